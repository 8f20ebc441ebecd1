// InteropTests.cs: runs the C# binding (powershell/DelegatedAdmin.Native.cs, compiled into the same program)
// against the emulator. C# 5, framework only, no test framework: every check prints PASS or FAIL, the last line
// is "N passed, N failed", and the exit code is 1 when anything failed.
//
//   mcs -langversion:5 -out:InteropTests.exe tests/csharp/InteropTests.cs powershell/DelegatedAdmin.Native.cs
//   LD_LIBRARY_PATH=target/debug mono InteropTests.exe http://127.0.0.1:PORT
//
// tests/csharp/run.sh does all of it (build, emulator, compile, run).

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using DelegatedAdmin.Interop;

namespace DelegatedAdmin.InteropTests
{
    internal static class Program
    {
        private static int passed;
        private static int failed;
        private static readonly object Gate = new object();

        private static string url;
        private static JsonObject fixtures;

        private static int Main(string[] args)
        {
            url = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("DA_EMULATOR_URL");
            if (string.IsNullOrEmpty(url))
            {
                Console.Error.WriteLine("usage: InteropTests.exe <emulator URL>  (or set DA_EMULATOR_URL)");
                Console.WriteLine("0 passed, 1 failed");
                return 2;
            }
            url = url.TrimEnd('/');
            Console.WriteLine("emulator: " + url);
            Console.WriteLine("library:  " + DelegatedAdminNative.LibraryPath);

            Run("fixtures", LoadFixtures);
            if (fixtures == null)
            {
                Console.WriteLine("{0} passed, {1} failed", passed, failed);
                return 1;
            }

            Run("da_version", TestVersion);
            Run("NULL, empty and malformed input", TestBadInput);
            Run("managed argument checks", TestManagedArguments);
            Run("da_acquire_token", TestAcquireToken);
            Run("error envelopes", TestErrorEnvelopes);
            Run("list customers: all pages", TestListAllPages);
            Run("list customers: top, skip, filter, orderBy, count", TestListOptions);
            Run("list customers: UTF-8 round trip", TestUtf8RoundTrip);
            Run("remove DAP relationship", TestRemoveDap);
            Run("update delegated admin relationship", TestUpdateRelationship);
            Run("Lighthouse list and remove", TestLighthouse);
            Run("device code", TestDeviceCode);
            Run("8 threads at once", TestThreads);
            Run("DAP cleanup plan and the job interface", TestCleanupJobs);
            Run("DAP cleanup through the job interface: cancel an apply, resume it with the same journal", TestCleanupCancelResume);

            Console.WriteLine("{0} passed, {1} failed", passed, failed);
            return failed == 0 ? 0 : 1;
        }

        // ------------------------------------------------------------------------------------------------
        // Harness
        // ------------------------------------------------------------------------------------------------

        private static void Run(string name, Action test)
        {
            Console.WriteLine("--- " + name);
            try
            {
                test();
            }
            catch (Exception e)
            {
                Fail(name + ": unexpected exception", e.ToString());
            }
        }

        private static void Pass(string what)
        {
            lock (Gate)
            {
                passed++;
                Console.WriteLine("PASS " + what);
            }
        }

        private static void Fail(string what, string detail)
        {
            lock (Gate)
            {
                failed++;
                Console.WriteLine("FAIL " + what + (detail == null ? "" : ": " + detail));
            }
        }

        private static bool Check(bool condition, string what, string detail)
        {
            if (condition)
            {
                Pass(what);
            }
            else
            {
                Fail(what, detail);
            }
            return condition;
        }

        private static bool Equal(object expected, object actual, string what)
        {
            bool same = object.Equals(expected, actual);
            return Check(same, what, "expected <" + Show(expected) + "> but got <" + Show(actual) + ">");
        }

        private static string Show(object o)
        {
            if (o == null)
            {
                return "null";
            }
            string s = o.ToString();
            return s.Length > 300 ? s.Substring(0, 300) + "..." : s;
        }

        // ------------------------------------------------------------------------------------------------
        // Calls
        // ------------------------------------------------------------------------------------------------

        private static JsonObject Auth()
        {
            return Json.Obj("tenantId", fixtures.Str("tenantId"), "clientId", fixtures.Str("clientId"), "clientSecret", fixtures.Str("clientSecret"));
        }

        /// <summary>A request with auth, endpoint and authority set to the emulator, plus the given fields.</summary>
        private static JsonObject Request(params object[] fields)
        {
            JsonObject request = Json.Obj(fields);
            if (!request.ContainsKey("auth"))
            {
                request["auth"] = Auth();
            }
            request["endpoint"] = url;
            request["authority"] = url;
            return request;
        }

        /// <summary>Calls a native function and parses the envelope (checking its shape).</summary>
        private static JsonObject Call(string function, JsonObject request)
        {
            string text = DelegatedAdminNative.Invoke(function, request == null ? null : Json.Write(request));
            return ParseEnvelope(function, text);
        }

        private static JsonObject ParseEnvelope(string function, string text)
        {
            if (text == null)
            {
                throw new Exception(function + " returned null");
            }
            JsonObject envelope = Json.Parse(text) as JsonObject;
            if (envelope == null || !(envelope.Get("ok") is bool))
            {
                throw new Exception(function + " returned an envelope without a boolean ok: " + text);
            }
            return envelope;
        }

        private static JsonObject Result(string function, JsonObject envelope)
        {
            if (!(bool)envelope.Get("ok"))
            {
                Fail(function + " succeeds", Json.Write(envelope));
                return null;
            }
            return envelope.Obj("result");
        }

        private static JsonObject ExpectError(string what, JsonObject envelope, string kind)
        {
            if ((bool)envelope.Get("ok"))
            {
                Fail(what + " fails with " + kind, "it succeeded: " + Json.Write(envelope));
                return null;
            }
            JsonObject error = envelope.Obj("error");
            if (error == null)
            {
                Fail(what + " has an error object", Json.Write(envelope));
                return null;
            }
            Equal(kind, error.Str("kind"), what + ": kind");
            Check(!string.IsNullOrEmpty(error.Str("message")), what + ": message is set", Json.Write(error));
            Check(!string.IsNullOrEmpty(error.Str("correlationId")), what + ": correlationId is set", Json.Write(error));
            foreach (string field in new string[] { "status", "code", "requestId", "retryAfterSeconds" })
            {
                Check(error.ContainsKey(field), what + ": error has the field " + field, Json.Write(error));
            }
            return error;
        }

        private static List<JsonObject> AllCustomers()
        {
            JsonObject result = Result("da_list_delegated_admin_customers", Call("da_list_delegated_admin_customers", Request("allPages", true)));
            if (result == null)
            {
                throw new Exception("cannot list customers");
            }
            return result.Objects("customers");
        }

        private static JsonObject FindCustomer(List<JsonObject> customers, string tenantId)
        {
            foreach (JsonObject c in customers)
            {
                if (string.Equals(c.Str("customerTenantId"), tenantId, StringComparison.OrdinalIgnoreCase))
                {
                    return c;
                }
            }
            return null;
        }

        // ------------------------------------------------------------------------------------------------
        // Tests
        // ------------------------------------------------------------------------------------------------

        private static void LoadFixtures()
        {
            fixtures = Json.Parse(Http.Get(url + "/_emulator/fixtures", null)) as JsonObject;
            Check(fixtures != null && fixtures.Str("clientId") != null, "GET /_emulator/fixtures", null);
        }

        private static void TestVersion()
        {
            string version = DelegatedAdminNative.Version();
            Check(!string.IsNullOrEmpty(version) && char.IsDigit(version[0]) && version.Split('.').Length >= 3,
                "da_version returns a semantic version", version);
            Equal(version, DelegatedAdminNative.Version(), "da_version is stable (static, not freed)");
        }

        private static void TestBadInput()
        {
            foreach (string function in DelegatedAdminNative.FunctionNames)
            {
                ExpectError(function + "(NULL)", ParseEnvelope(function, DelegatedAdminNative.InvokeRaw(function, null)), "invalid_request");
            }
            ExpectError("empty string", Call2("da_list_delegated_admin_customers", ""), "invalid_request");
            ExpectError("invalid JSON", Call2("da_list_delegated_admin_customers", "{\"allPages\": tru"), "invalid_request");
            ExpectError("a JSON array instead of an object", Call2("da_acquire_token", "[1,2]"), "invalid_request");
            byte[] invalidUtf8 = new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}', 0 };
            ExpectError("invalid UTF-8", ParseEnvelope("raw", DelegatedAdminNative.InvokeRaw("da_list_delegated_admin_customers", invalidUtf8)), "invalid_request");
            ExpectError("an unknown field", Call("da_list_delegated_admin_customers", Request("allPagez", true)), "invalid_request");
            ExpectError("a wrong-typed field", Call("da_list_delegated_admin_customers", Request("top", "five")), "invalid_request");
            ExpectError("top 0", Call("da_list_delegated_admin_customers", Request("top", 0)), "invalid_request");
            ExpectError("top 301", Call("da_list_delegated_admin_customers", Request("top", 301)), "invalid_request");
            ExpectError("orderBy outside the documented fields", Call("da_list_delegated_admin_customers", Request("orderBy", "customerTenantId")), "invalid_request");
            ExpectError("customerTenantId that is not a GUID", Call("da_remove_dap_relationship", Request("customerTenantId", "not-a-guid")), "invalid_request");
            ExpectError("Lighthouse scope that is not a subscription", Call("da_list_lighthouse_assignments", Request("scope", "/providers/x")), "invalid_request");
            ExpectError("an http:// endpoint that is not loopback", Call("da_list_delegated_admin_customers",
                Json.Obj("auth", Auth(), "endpoint", "http://example.com", "authority", url)), "invalid_request");
            JsonObject error = ExpectError("a missing required field", Call("da_remove_dap_relationship", Request()), "invalid_request");
            if (error != null)
            {
                Check(error.Get("status") == null, "invalid_request has no HTTP status (nothing was sent)", Json.Write(error));
            }
        }

        private static JsonObject Call2(string function, string text)
        {
            return ParseEnvelope(function, DelegatedAdminNative.Invoke(function, text));
        }

        private static void TestManagedArguments()
        {
            bool threw = false;
            try
            {
                DelegatedAdminNative.Invoke("da_no_such_function", "{}");
            }
            catch (ArgumentException)
            {
                threw = true;
            }
            Check(threw, "Invoke refuses an unknown function name", null);

            threw = false;
            try
            {
                DelegatedAdminNative.Invoke("da_acquire_token", "{\"a\":\"x\0y\"}");
            }
            catch (ArgumentException)
            {
                threw = true;
            }
            Check(threw, "a request containing NUL is refused before the call", null);

            JsonObject envelope = ParseEnvelope("list", DelegatedAdminNative.Invoke("list_delegated_admin_customers", Json.Write(Request("top", 1))));
            Check((bool)envelope.Get("ok"), "Invoke accepts a function name without the da_ prefix", Json.Write(envelope));
            byte[] bytes = DelegatedAdminNative.ToUtf8NulTerminated("é");
            Check(bytes.Length == 3 && bytes[0] == 0xC3 && bytes[1] == 0xA9 && bytes[2] == 0, "requests are encoded as UTF-8 with one NUL", BitConverter.ToString(bytes));
        }

        private static void TestAcquireToken()
        {
            string correlationId = Guid.NewGuid().ToString();
            JsonObject request = Json.Obj("auth", Auth(), "authority", url, "scope", "https://management.azure.com/.default", "correlationId", correlationId);
            JsonObject envelope = Call("da_acquire_token", request);
            JsonObject result = Result("da_acquire_token(scope)", envelope);
            if (result != null)
            {
                Check(!string.IsNullOrEmpty(result.Str("accessToken")), "accessToken is set", null);
                Equal("Bearer", result.Str("tokenType"), "tokenType");
                Check(result.Num("expiresIn") > 0, "expiresIn > 0", Show(result.Get("expiresIn")));
                DateTimeOffset expires;
                Check(DateTimeOffset.TryParse(result.Str("expiresOn"), CultureInfo.InvariantCulture, DateTimeStyles.None, out expires) && expires > DateTimeOffset.UtcNow,
                    "expiresOn is a future RFC 3339 time", result.Str("expiresOn"));
                Equal(correlationId, envelope.Str("correlationId"), "the envelope echoes the correlationId sent");
            }
            JsonObject byResource = Result("da_acquire_token(resource, timeoutSeconds, maxRetries)", Call("da_acquire_token",
                Json.Obj("auth", Auth(), "authority", url, "resource", "https://api.partnercenter.microsoft.com", "timeoutSeconds", 30, "maxRetries", 2)));
            if (byResource != null)
            {
                Check(!string.IsNullOrEmpty(byResource.Str("accessToken")), "a token for a resource", null);
            }
            JsonObject generated = Call("da_acquire_token", Json.Obj("auth", Auth(), "authority", url, "scope", "https://management.azure.com/.default"));
            Guid parsed;
            Check(Guid.TryParse(generated.Str("correlationId"), out parsed), "a correlationId is generated when absent", generated.Str("correlationId"));
        }

        private static void TestErrorEnvelopes()
        {
            // Wrong client secret: the identity platform refuses the credentials.
            JsonObject wrongSecret = Json.Obj("tenantId", fixtures.Str("tenantId"), "clientId", fixtures.Str("clientId"), "clientSecret", "wrong-secret");
            JsonObject error = ExpectError("a wrong client secret", Call("da_acquire_token",
                Json.Obj("auth", wrongSecret, "authority", url, "scope", "https://management.azure.com/.default")), "unauthorized");
            if (error != null)
            {
                Check(error.Get("status") != null, "unauthorized carries the HTTP status", Json.Write(error));
                Check(error.Str("code") != null, "unauthorized carries the identity error code", Json.Write(error));
            }
            error = ExpectError("a wrong client secret on a service call", Call("da_list_delegated_admin_customers",
                Request("auth", wrongSecret, "top", 1)), "unauthorized");

            // A bearer token that the services do not know.
            error = ExpectError("an unknown access token", Call("da_list_delegated_admin_customers",
                Request("auth", Json.Obj("accessToken", "not-a-token"), "top", 1)), "unauthorized");
            if (error != null)
            {
                Equal(401.0, error.Num("status"), "unknown token: status 401");
            }

            // A token for another audience: 403.
            JsonObject arm = Result("token for ARM", Call("da_acquire_token",
                Json.Obj("auth", Auth(), "authority", url, "scope", "https://management.azure.com/.default")));
            if (arm != null)
            {
                error = ExpectError("a token for the wrong audience", Call("da_list_delegated_admin_customers",
                    Request("auth", Json.Obj("accessToken", arm.Str("accessToken")), "top", 1)), "forbidden");
                if (error != null)
                {
                    Equal(403.0, error.Num("status"), "wrong audience: status 403");
                }
            }

            // An unknown customer: Partner Center's 404 with its error body.
            string correlationId = Guid.NewGuid().ToString();
            error = ExpectError("an unknown customer", Call("da_remove_dap_relationship",
                Request("customerTenantId", Guid.NewGuid().ToString(), "correlationId", correlationId)), "not_found");
            if (error != null)
            {
                Equal(404.0, error.Num("status"), "unknown customer: status 404");
                Check(error.Str("code") != null, "unknown customer: the service's error code is kept", Json.Write(error));
                Equal(correlationId, error.Str("correlationId"), "unknown customer: the correlationId sent is echoed in the error");
            }

            // Unknown Lighthouse subscription and unknown CloudCockpit relationship.
            error = ExpectError("an unknown CloudCockpit relationship", Call("da_update_delegated_admin_relationship",
                Request("tenantDomain", fixtures.Str("tenantDomain"), "customerId", Guid.NewGuid().ToString(), "relationshipId", "no-such-relationship",
                    "providerInstanceId", fixtures.Str("providerInstanceId"), "autoExtendEnabled", true)), "not_found");
        }

        private static void TestListAllPages()
        {
            List<JsonObject> customers = AllCustomers();
            Equal(fixtures.Num("customerCount"), (double)customers.Count, "allPages returns every seeded customer");
            HashSet<string> ids = new HashSet<string>();
            bool allGuids = true;
            foreach (JsonObject c in customers)
            {
                Guid g;
                if (!Guid.TryParse(c.Str("customerTenantId"), out g))
                {
                    allGuids = false;
                }
                ids.Add(c.Str("customerTenantId"));
            }
            Check(allGuids, "every customerTenantId is a GUID", null);
            Equal(customers.Count, ids.Count, "no customer is returned twice");
            JsonObject first = customers.Count > 0 ? customers[0] : new JsonObject();
            foreach (string field in new string[] { "id", "customerTenantId", "organizationDisplayName", "partnerAgentCount", "partnerSignInCount",
                "globalAdminSignInCount", "dapEnabled", "startDateTime", "endDateTime", "lastSignInDateTime" })
            {
                Check(first.ContainsKey(field), "a customer has the field " + field, Json.Write(first));
            }
        }

        private static void TestListOptions()
        {
            JsonObject page = Result("top 5", Call("da_list_delegated_admin_customers", Request("top", 5, "orderBy", "organizationDisplayName")));
            if (page != null)
            {
                Equal(5, page.Objects("customers").Count, "top 5 returns one page of 5");
                Check(page.Str("nextLink") != null, "a partial page has a nextLink", Json.Write(page.Get("nextLink")));
            }

            JsonObject ordered = Result("orderBy organizationDisplayName", Call("da_list_delegated_admin_customers",
                Request("allPages", true, "orderBy", "organizationDisplayName")));
            JsonObject descending = Result("orderBy lastSignInDateTime desc", Call("da_list_delegated_admin_customers",
                Request("allPages", true, "orderBy", "startDateTime desc")));
            if (ordered != null)
            {
                List<JsonObject> list = ordered.Objects("customers");
                bool sorted = true;
                for (int i = 1; i < list.Count; i++)
                {
                    if (string.CompareOrdinal(list[i - 1].Str("organizationDisplayName"), list[i].Str("organizationDisplayName")) > 0)
                    {
                        sorted = false;
                        Fail("orderBy organizationDisplayName", "'" + list[i - 1].Str("organizationDisplayName") + "' before '" + list[i].Str("organizationDisplayName") + "'");
                        break;
                    }
                }
                if (sorted)
                {
                    Pass("orderBy organizationDisplayName sorts ascending");
                }

                JsonObject skipped = Result("skip 5 top 5", Call("da_list_delegated_admin_customers",
                    Request("skip", 5, "top", 5, "orderBy", "organizationDisplayName")));
                if (skipped != null && list.Count >= 10)
                {
                    List<JsonObject> s = skipped.Objects("customers");
                    bool same = s.Count == 5;
                    for (int i = 0; same && i < 5; i++)
                    {
                        same = s[i].Str("customerTenantId") == list[5 + i].Str("customerTenantId");
                    }
                    Check(same, "skip 5 top 5 returns customers 6 to 10 of the same order", null);
                }
            }
            if (descending != null)
            {
                List<JsonObject> list = descending.Objects("customers");
                bool sorted = true;
                for (int i = 1; i < list.Count; i++)
                {
                    if (string.CompareOrdinal(list[i - 1].Str("startDateTime"), list[i].Str("startDateTime")) < 0)
                    {
                        sorted = false;
                    }
                }
                Check(sorted, "orderBy startDateTime desc sorts descending", null);
            }

            JsonObject filtered = Result("filter dapEnabled eq true", Call("da_list_delegated_admin_customers",
                Request("allPages", true, "filter", "dapEnabled eq true", "count", true)));
            if (filtered != null)
            {
                List<JsonObject> list = filtered.Objects("customers");
                bool allDap = list.Count > 0;
                foreach (JsonObject c in list)
                {
                    if (!(c.Get("dapEnabled") is bool) || !(bool)c.Get("dapEnabled"))
                    {
                        allDap = false;
                    }
                }
                Check(allDap, "filter dapEnabled eq true returns only DAP customers", list.Count + " customers");
                Equal((double)list.Count, filtered.Num("count"), "count matches the filtered total");
                Check(list.Count < fixtures.Num("customerCount"), "the filter removed some customers", null);
            }

            JsonObject selected = Result("select", Call("da_list_delegated_admin_customers",
                Request("top", 3, "select", new object[] { "customerTenantId", "organizationDisplayName" })));
            if (selected != null && selected.Objects("customers").Count > 0)
            {
                JsonObject c = selected.Objects("customers")[0];
                Check(c.Str("customerTenantId") != null && c.Str("organizationDisplayName") != null, "select keeps the selected fields", Json.Write(c));
            }
        }

        private static void TestUtf8RoundTrip()
        {
            List<JsonObject> viaLibrary = AllCustomers();

            // The emulator's own JSON, fetched directly over HTTP with a token for the customers API.
            JsonObject token = Result("token for the customers API", Call("da_acquire_token",
                Json.Obj("auth", Auth(), "authority", url, "scope", "https://api.partnercustomeradministration.microsoft.com/.default")));
            if (token == null)
            {
                return;
            }
            Dictionary<string, string> direct = new Dictionary<string, string>();
            string next = url + "/CustomerServiceAdminApi/Web/v1/delegatedAdminCustomers?$top=300";
            int pages = 0;
            while (next != null && pages < 100)
            {
                pages++;
                JsonObject page = Json.Parse(Http.Get(next, token.Str("accessToken"))) as JsonObject;
                foreach (JsonObject c in page.Objects("value"))
                {
                    direct[c.Str("customerTenantId")] = c.Str("organizationDisplayName");
                }
                next = page.Str("@odata.nextLink");
                if (next != null && next.StartsWith("/"))
                {
                    next = url + next;
                }
            }
            Equal(viaLibrary.Count, direct.Count, "the emulator's JSON has as many customers as the library returned");

            int nonAscii = 0;
            int mismatches = 0;
            bool sawCafe = false;
            foreach (JsonObject c in viaLibrary)
            {
                string name = c.Str("organizationDisplayName");
                string expected;
                if (!direct.TryGetValue(c.Str("customerTenantId"), out expected) || !string.Equals(expected, name, StringComparison.Ordinal))
                {
                    mismatches++;
                    if (mismatches <= 3)
                    {
                        Fail("display name round trip", "library <" + name + "> emulator <" + expected + ">");
                    }
                }
                foreach (char ch in name)
                {
                    if (ch > 127)
                    {
                        nonAscii++;
                        break;
                    }
                }
                if (name.StartsWith("Café Müller GmbH", StringComparison.Ordinal) || name.StartsWith("株式会社サンプル商事", StringComparison.Ordinal))
                {
                    sawCafe = true;
                }
            }
            Check(mismatches == 0, "every display name is identical to the emulator's (" + viaLibrary.Count + " names, " + nonAscii + " non-ASCII)", null);
            Check(nonAscii > 0, "the seeded names include non-ASCII ones", null);
            Check(sawCafe || nonAscii > 0, "names such as 'Café Müller GmbH' survive UTF-8 both ways", null);
        }

        private static void TestRemoveDap()
        {
            List<object> inactive = fixtures.List("inactiveDapCustomerIds");
            if (!Check(inactive != null && inactive.Count > 0, "the fixtures list inactive DAP customers", null))
            {
                return;
            }
            string id = (string)inactive[0];
            JsonObject before = FindCustomer(AllCustomers(), id);
            Check(before != null && Equals(true, before.Get("dapEnabled")), "before: dapEnabled is true", before == null ? "not listed" : Json.Write(before));

            JsonObject result = Result("da_remove_dap_relationship", Call("da_remove_dap_relationship", Request("customerTenantId", id)));
            if (result != null)
            {
                Check(string.Equals(id, result.Str("customerTenantId"), StringComparison.OrdinalIgnoreCase), "result names the customer", Json.Write(result));
                Equal(false, result.Get("allowDelegatedAccess"), "result says allowDelegatedAccess false");
            }
            JsonObject after = FindCustomer(AllCustomers(), id);
            Check(after != null && Equals(false, after.Get("dapEnabled")), "after: dapEnabled is false", after == null ? "not listed" : Json.Write(after));

            JsonObject again = Call("da_remove_dap_relationship", Request("customerTenantId", id));
            Check((bool)again.Get("ok"), "removing it again succeeds (idempotent)", Json.Write(again));
        }

        private static void TestUpdateRelationship()
        {
            List<object> relationships = fixtures.List("relationships");
            if (!Check(relationships != null && relationships.Count > 0, "the fixtures list relationships", null))
            {
                return;
            }
            JsonObject r = (JsonObject)relationships[0];
            bool wanted = !Equals(true, r.Get("autoExtendEnabled"));
            JsonObject result = Result("da_update_delegated_admin_relationship", Call("da_update_delegated_admin_relationship", Request(
                "tenantDomain", fixtures.Str("tenantDomain"),
                "customerId", r.Str("customerId"),
                "relationshipId", r.Str("relationshipId"),
                "providerInstanceId", fixtures.Str("providerInstanceId"),
                "autoExtendEnabled", wanted)));
            if (result != null)
            {
                Equal(wanted, result.Get("autoExtendEnabled"), "result autoExtendEnabled");
                Equal(r.Str("relationshipId"), result.Str("relationshipId"), "result relationshipId");
            }
            JsonObject now = Json.Parse(Http.Get(url + "/_emulator/fixtures", null)) as JsonObject;
            bool changed = false;
            foreach (object o in now.List("relationships"))
            {
                JsonObject x = (JsonObject)o;
                if (x.Str("relationshipId") == r.Str("relationshipId") && Equals(wanted, x.Get("autoExtendEnabled")))
                {
                    changed = true;
                }
            }
            Check(changed, "the emulator's relationship now has autoExtendEnabled " + wanted, null);

            // CloudCockpit answers a portal domain the caller has no access to with 403.
            ExpectError("a wrong X-Tenant", Call("da_update_delegated_admin_relationship", Request(
                "tenantDomain", "wrong.example.com",
                "customerId", r.Str("customerId"),
                "relationshipId", r.Str("relationshipId"),
                "providerInstanceId", fixtures.Str("providerInstanceId"),
                "autoExtendEnabled", wanted)), "forbidden");
        }

        private static void TestLighthouse()
        {
            List<object> subscriptions = fixtures.List("subscriptions");
            if (!Check(subscriptions != null && subscriptions.Count > 0, "the fixtures list subscriptions", null))
            {
                return;
            }
            JsonObject subscription = (JsonObject)subscriptions[0];
            string scope = "/subscriptions/" + subscription.Str("subscriptionId");
            HashSet<string> expected = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (object o in subscription.List("assignments"))
            {
                JsonObject a = (JsonObject)o;
                if (string.Equals(a.Str("scope"), scope, StringComparison.OrdinalIgnoreCase))
                {
                    expected.Add(a.Str("id"));
                }
            }

            JsonObject listed = Result("da_list_lighthouse_assignments", Call("da_list_lighthouse_assignments",
                Request("scope", scope, "includeDefinition", true)));
            if (listed == null)
            {
                return;
            }
            List<JsonObject> assignments = listed.Objects("assignments");
            HashSet<string> got = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonObject a in assignments)
            {
                got.Add(a.Str("id"));
            }
            Check(got.IsSupersetOf(expected) && expected.Count > 0, "every assignment at " + scope + " is listed across pages (" + expected.Count + " expected, " + got.Count + " listed)", null);
            if (assignments.Count > 0)
            {
                JsonObject properties = assignments[0].Obj("properties");
                JsonObject definition = properties == null ? null : properties.Obj("registrationDefinition");
                JsonObject definitionProperties = definition == null ? null : definition.Obj("properties");
                Check(definitionProperties != null, "includeDefinition expands the registration definition", Json.Write(assignments[0]));
                if (definitionProperties != null)
                {
                    // The partner's own tenant id is the managing tenant: it must come back as the service sent it.
                    Equal(fixtures.Str("tenantId"), definitionProperties.Str("managedByTenantId"), "includeDefinition: managedByTenantId is the partner tenant");
                    Check(!string.IsNullOrEmpty(definitionProperties.Str("managedByTenantName")), "includeDefinition: managedByTenantName is set", null);
                }
                Check(properties != null && properties.Str("provisioningState") != null, "provisioningState is set", null);
            }

            // Remove one by id and wait for the long-running delete.
            string victim = null;
            foreach (string id in expected)
            {
                victim = id;
                break;
            }
            if (victim == null)
            {
                return;
            }
            JsonObject removed = Result("da_remove_lighthouse_assignment(wait)", Call("da_remove_lighthouse_assignment",
                Request("assignmentId", victim, "wait", true)));
            if (removed != null)
            {
                Equal("deleted", removed.Str("status"), "a waited delete ends as deleted");
            }
            JsonObject relisted = Result("list after delete", Call("da_list_lighthouse_assignments", Request("scope", scope)));
            if (relisted != null)
            {
                bool gone = true;
                foreach (JsonObject a in relisted.Objects("assignments"))
                {
                    if (string.Equals(a.Str("id"), victim, StringComparison.OrdinalIgnoreCase))
                    {
                        gone = false;
                    }
                }
                Check(gone, "the deleted assignment is no longer listed", victim);
            }
            JsonObject again = Result("delete again", Call("da_remove_lighthouse_assignment", Request("assignmentId", victim, "wait", true)));
            if (again != null)
            {
                Equal("notFound", again.Str("status"), "deleting it again says notFound");
            }

            // Remove another by scope + name without waiting.
            foreach (string id in expected)
            {
                if (id == victim)
                {
                    continue;
                }
                string name = id.Substring(id.LastIndexOf('/') + 1);
                JsonObject accepted = Result("da_remove_lighthouse_assignment(scope+name, no wait)", Call("da_remove_lighthouse_assignment",
                    Request("scope", scope, "assignmentName", name, "wait", false)));
                if (accepted != null)
                {
                    string status = accepted.Str("status");
                    Check(status == "accepted" || status == "deleted", "a delete without waiting is accepted (or already done)", status);
                    Check(status != "accepted" || accepted.Str("operationUrl") != null, "an accepted delete has an operationUrl", Json.Write(accepted));
                }
                break;
            }
        }

        private static void TestDeviceCode()
        {
            JsonObject start = Result("da_start_device_code", Call("da_start_device_code", Json.Obj(
                "clientId", fixtures.Str("clientId"), "tenantId", fixtures.Str("tenantId"), "authority", url,
                "scope", "https://api.partnercenter.microsoft.com/user_impersonation offline_access")));
            if (start == null)
            {
                return;
            }
            foreach (string field in new string[] { "deviceCode", "userCode", "verificationUri", "message" })
            {
                Check(!string.IsNullOrEmpty(start.Str(field)), "device code start returns " + field, Json.Write(start));
            }
            Check(start.Num("interval") >= 0 && start.Num("expiresIn") > 0, "interval and expiresIn are numbers", Json.Write(start));
            JsonObject pollRequest = Json.Obj("clientId", fixtures.Str("clientId"), "tenantId", fixtures.Str("tenantId"),
                "deviceCode", start.Str("deviceCode"), "authority", url);
            JsonObject first = Result("da_poll_device_code before approval", Call("da_poll_device_code", pollRequest));
            if (first != null)
            {
                string status = first.Str("status");
                Check(status == "pending" || status == "slow_down", "before approval the status is pending", status);
            }

            Http.Post(url + "/_emulator/device/approve", Json.Write(Json.Obj("userCode", start.Str("userCode"))));

            double interval = Math.Max(0, start.Num("interval"));
            DateTime deadline = DateTime.UtcNow.AddSeconds(30);
            JsonObject completed = null;
            while (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(TimeSpan.FromSeconds(Math.Max(0.2, interval)));
                // As the PowerShell module does: tell the library the interval in force, with a correlation id.
                pollRequest["interval"] = (int)Math.Ceiling(interval);
                pollRequest["correlationId"] = Guid.NewGuid().ToString();
                JsonObject poll = Result("da_poll_device_code", Call("da_poll_device_code", pollRequest));
                if (poll == null)
                {
                    return;
                }
                string status = poll.Str("status");
                if (poll.Get("interval") != null)
                {
                    interval = poll.Num("interval");
                }
                if (status == "completed")
                {
                    completed = poll;
                    break;
                }
                if (status != "pending" && status != "slow_down")
                {
                    Fail("device code completes", "status " + status);
                    return;
                }
            }
            if (!Check(completed != null, "after approval the poll completes", null))
            {
                return;
            }
            JsonObject token = completed.Obj("token");
            Check(token != null && !string.IsNullOrEmpty(token.Str("accessToken")), "the completed poll carries an access token", Json.Write(completed));
            Check(token != null && !string.IsNullOrEmpty(token.Str("refreshToken")), "offline_access gives a refresh token", Json.Write(completed));
            if (token == null || string.IsNullOrEmpty(token.Str("refreshToken")))
            {
                return;
            }
            JsonObject refreshAuth = Json.Obj("tenantId", fixtures.Str("tenantId"), "clientId", fixtures.Str("clientId"), "refreshToken", token.Str("refreshToken"));
            JsonObject viaRefresh = Result("list customers with the refresh token", Call("da_list_delegated_admin_customers", Request("auth", refreshAuth, "top", 1)));
            Check(viaRefresh != null, "the refresh token from the device code works as auth", null);
        }

        private static void TestCleanupJobs()
        {
            // The candidates the library should find: DAP enabled, and no sign-in for 90 days (or never signed in
            // and started more than 90 days ago).
            DateTime cutoff = DateTime.UtcNow.AddDays(-90);
            HashSet<string> expected = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonObject c in AllCustomers())
            {
                if (!Equals(true, c.Get("dapEnabled")))
                {
                    continue;
                }
                string last = c.Str("lastSignInDateTime");
                string reference = last ?? c.Str("startDateTime");
                DateTime at;
                if (reference != null && DateTime.TryParse(reference, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out at) && at < cutoff)
                {
                    expected.Add(c.Str("customerTenantId"));
                }
            }

            // allowWithoutGdap: these are the DAP rules (the emulator seeds DAP customers without GDAP; the
            // GDAP rule is tested in tests/cleanup_gdap.rs).
            JsonObject plan = Result("da_plan_dap_cleanup", Call("da_plan_dap_cleanup", Request("inactiveDays", 90, "allowWithoutGdap", true)));
            if (plan != null)
            {
                HashSet<string> candidates = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (JsonObject c in plan.Objects("candidates"))
                {
                    candidates.Add(c.Str("customerTenantId"));
                }
                Check(candidates.SetEquals(expected), "the plan's candidates are the inactive DAP customers (" + expected.Count + " expected, " + candidates.Count + " planned)", null);
                JsonObject summary = plan.Obj("summary");
                Check(summary != null && summary.Num("customers") == fixtures.Num("customerCount"), "the plan's summary counts every customer", Json.Write(summary));
            }

            JsonObject started = Result("da_job_start", Call("da_job_start", Request("operation", "planDapCleanup", "inactiveDays", 90, "allowWithoutGdap", true)));
            if (started == null)
            {
                return;
            }
            string jobId = started.Str("jobId");
            Check(!string.IsNullOrEmpty(jobId), "da_job_start returns a jobId", Json.Write(started));
            JsonObject idOnly = Json.Obj("jobId", jobId);
            string state = null;
            DateTime deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                JsonObject poll = Result("da_job_poll", ParseEnvelope("da_job_poll", DelegatedAdminNative.JobPoll(Json.Write(idOnly))));
                if (poll == null)
                {
                    return;
                }
                state = poll.Str("state");
                if (state != "running" && state != "cancelling")
                {
                    break;
                }
                Thread.Sleep(50);
            }
            Equal("succeeded", state, "the plan job succeeds");
            JsonObject jobResult = ParseEnvelope("da_job_result", DelegatedAdminNative.JobResult(Json.Write(Json.Obj("jobId", jobId, "waitSeconds", 10))));
            JsonObject jobPlan = Result("da_job_result", jobResult);
            if (jobPlan != null)
            {
                Equal((double)expected.Count, (double)jobPlan.Objects("candidates").Count, "the job's result is the plan");
            }
            JsonObject freed = Result("da_job_free", ParseEnvelope("da_job_free", DelegatedAdminNative.JobFree(Json.Write(idOnly))));
            if (freed != null)
            {
                Equal(true, freed.Get("freed"), "da_job_free frees the job");
            }
            JsonObject gone = ParseEnvelope("da_job_poll", DelegatedAdminNative.JobPoll(Json.Write(idOnly)));
            Check(!(bool)gone.Get("ok"), "a freed job can no longer be polled", Json.Write(gone));
            JsonObject cancelUnknown = ParseEnvelope("da_job_cancel", DelegatedAdminNative.JobCancel(Json.Write(Json.Obj("jobId", "no-such-job"))));
            Check(!(bool)cancelUnknown.Get("ok"), "cancelling an unknown job is an error", Json.Write(cancelUnknown));
        }

        /// <summary>Polls a job every 50 ms until <paramref name="until"/> says stop (or 60 s pass); returns the last status.</summary>
        private static JsonObject PollJob(string jobId, Func<JsonObject, bool> until, List<string> events)
        {
            string request = Json.Write(Json.Obj("jobId", jobId, "maxEvents", 1000));
            DateTime deadline = DateTime.UtcNow.AddSeconds(60);
            JsonObject status = null;
            while (DateTime.UtcNow < deadline)
            {
                status = Result("da_job_poll", ParseEnvelope("da_job_poll", DelegatedAdminNative.JobPoll(request)));
                if (status == null)
                {
                    return null;
                }
                foreach (JsonObject e in status.Objects("events"))
                {
                    events.Add(e.Str("message"));
                }
                if (until(status))
                {
                    return status;
                }
                Thread.Sleep(50);
            }
            Fail("job " + jobId + " reaches the awaited state within 60 s", Json.Write(status));
            return status;
        }

        private static bool Ended(JsonObject status)
        {
            string state = status.Str("state");
            return state == "succeeded" || state == "failed" || state == "cancelled";
        }

        /// <summary>Checks that a report's counts add up; returns them.</summary>
        private static JsonObject CheckCounts(string what, JsonObject report)
        {
            JsonObject counts = report.Obj("counts");
            if (counts == null)
            {
                Fail(what + ": the report has counts", Json.Write(report));
                return null;
            }
            Equal(counts.Num("customers"), counts.Num("removed") + counts.Num("failed") + counts.Num("skipped"),
                what + ": customers = removed + failed + skipped");
            Equal(counts.Num("candidates"), counts.Num("removed") + counts.Num("failed") + counts.Num("skippedCandidates"),
                what + ": candidates = removed + failed + skippedCandidates");
            Equal(counts.Num("customers"), (double)report.Objects("outcomes").Count, what + ": one outcome per customer");
            return counts;
        }

        private static void TestCleanupCancelResume()
        {
            string folder = Path.Combine(Path.GetTempPath(), "delegated-admin-csharp-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                CleanupCancelResume(folder);
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        private static void CleanupCancelResume(string folder)
        {
            string planPath = Path.Combine(folder, "plan.json");
            string journalPath = Path.Combine(folder, "journal.jsonl");
            string csvPath = Path.Combine(folder, "report.csv");

            // 1. Plan, as a job: start, poll until it ends, take the result, free.
            List<string> planEvents = new List<string>();
            JsonObject planStarted = Result("da_job_start(planDapCleanup)",
                Call("da_job_start", Request("operation", "planDapCleanup", "inactiveDays", 90, "planPath", planPath, "allowWithoutGdap", true)));
            if (planStarted == null)
            {
                return;
            }
            string planJob = planStarted.Str("jobId");
            JsonObject planStatus = PollJob(planJob, Ended, planEvents);
            Equal("succeeded", planStatus == null ? null : planStatus.Str("state"), "the plan job succeeds");
            JsonObject plan = Result("da_job_result(plan)", ParseEnvelope("da_job_result",
                DelegatedAdminNative.JobResult(Json.Write(Json.Obj("jobId", planJob, "waitSeconds", 10)))));
            Result("da_job_free(plan)", ParseEnvelope("da_job_free", DelegatedAdminNative.JobFree(Json.Write(Json.Obj("jobId", planJob)))));
            if (plan == null)
            {
                return;
            }
            Check(planEvents.Exists(delegate(string m) { return m != null && m.StartsWith("planned:", StringComparison.Ordinal); }),
                "the plan job's events end with its summary", string.Join(" | ", planEvents.ToArray()));
            Check(File.Exists(planPath), "planPath: the plan is written to the file", planPath);
            List<string> candidates = new List<string>();
            foreach (JsonObject c in plan.Objects("candidates"))
            {
                candidates.Add(c.Str("customerTenantId"));
            }
            Check(candidates.Count >= 10, "the plan has candidates to remove (" + candidates.Count + ")", null);
            if (candidates.Count < 10)
            {
                return;
            }
            string planId = plan.Str("planId");

            // 2. Apply, as a job, slowly paced; poll until some customers are done, then cancel.
            Http.Post(url + "/_emulator/requests/clear", null);
            List<string> applyEvents = new List<string>();
            JsonObject applyStarted = Result("da_job_start(applyDapCleanup)", Call("da_job_start", Request(
                "operation", "applyDapCleanup", "planPath", planPath, "journalPath", journalPath,
                "concurrency", 2, "requestsPerSecond", 4)));
            if (applyStarted == null)
            {
                return;
            }
            string applyJob = applyStarted.Str("jobId");
            JsonObject progressed = PollJob(applyJob, delegate(JsonObject status)
            {
                JsonObject p = status.Obj("progress");
                return Ended(status) || (p != null && p.Num("done") >= 3);
            }, applyEvents);
            if (progressed == null)
            {
                return;
            }
            Equal("running", progressed.Str("state"), "the apply job is still running after 3 customers");
            JsonObject progress = progressed.Obj("progress");
            Equal("removing", progress.Str("phase"), "progress.phase is removing");
            Equal((double)candidates.Count, progress.Num("total"), "progress.total is the plan's candidates");
            Check(progress.Num("done") >= 3 && progress.Num("done") < candidates.Count, "progress.done counts the settled customers", Json.Write(progress));
            Check(applyEvents.Exists(delegate(string m) { return m != null && m.Contains(": removed"); }),
                "the apply job's events name each outcome", string.Join(" | ", applyEvents.ToArray()));

            JsonObject cancelled = Result("da_job_cancel", ParseEnvelope("da_job_cancel",
                DelegatedAdminNative.JobCancel(Json.Write(Json.Obj("jobId", applyJob)))));
            if (cancelled != null)
            {
                string state = cancelled.Str("state");
                Check(state == "cancelling" || state == "cancelled", "da_job_cancel answers cancelling (or cancelled)", state);
            }
            JsonObject firstReport = Result("da_job_result(cancelled apply)", ParseEnvelope("da_job_result",
                DelegatedAdminNative.JobResult(Json.Write(Json.Obj("jobId", applyJob, "waitSeconds", 30)))));
            JsonObject afterCancel = Result("da_job_poll(after cancel)", ParseEnvelope("da_job_poll",
                DelegatedAdminNative.JobPoll(Json.Write(Json.Obj("jobId", applyJob)))));
            if (afterCancel != null)
            {
                Equal("cancelled", afterCancel.Str("state"), "the job's state after cancel and result");
            }
            JsonObject freed = Result("da_job_free(apply)", ParseEnvelope("da_job_free",
                DelegatedAdminNative.JobFree(Json.Write(Json.Obj("jobId", applyJob)))));
            if (freed != null)
            {
                Equal(true, freed.Get("freed"), "da_job_free frees the cancelled job");
            }
            if (firstReport == null)
            {
                return;
            }
            Equal(planId, firstReport.Str("planId"), "the cancelled run's report names the plan");
            Equal(true, firstReport.Get("stoppedEarly"), "the cancelled run's report says stoppedEarly");
            Equal("cancelled", firstReport.Str("stopReason"), "the cancelled run's stopReason");
            JsonObject firstCounts = CheckCounts("the cancelled run", firstReport);
            if (firstCounts == null)
            {
                return;
            }
            Equal((double)candidates.Count, firstCounts.Num("candidates"), "the cancelled run counts every candidate");
            Check(firstCounts.Num("removed") >= 1 && firstCounts.Num("removed") < candidates.Count,
                "the cancelled run removed some candidates, not all (" + firstCounts.Num("removed") + " of " + candidates.Count + ")", Json.Write(firstCounts));
            Check(firstCounts.Num("skippedCandidates") > 0, "the candidates not attempted are skipped", Json.Write(firstCounts));
            HashSet<string> removedFirst = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonObject o in firstReport.Objects("outcomes"))
            {
                if (o.Str("outcome") == "removed")
                {
                    removedFirst.Add(o.Str("customerTenantId"));
                }
            }
            Check(File.Exists(journalPath), "the journal exists after the cancel", journalPath);

            // 3. Resume with the same plan and journal, through the blocking da_apply_dap_cleanup.
            JsonObject resumed = Result("da_apply_dap_cleanup(resume)", Call("da_apply_dap_cleanup", Request(
                "planPath", planPath, "journalPath", journalPath, "reportCsvPath", csvPath, "requestsPerSecond", 0)));
            if (resumed == null)
            {
                return;
            }
            Equal(false, resumed.Get("stoppedEarly"), "the resumed run finishes");
            JsonObject counts = CheckCounts("the resumed run", resumed);
            if (counts == null)
            {
                return;
            }
            Equal((double)candidates.Count, counts.Num("candidates"), "the resumed run counts every candidate");
            Equal((double)candidates.Count, counts.Num("removed"), "every candidate ends removed");
            Equal(0.0, counts.Num("failed"), "no candidate failed");
            Check(counts.Num("fromJournal") >= removedFirst.Count, "the resume takes the first run's outcomes from the journal (" +
                counts.Num("fromJournal") + " >= " + removedFirst.Count + ")", null);
            Check(File.Exists(csvPath) && File.ReadAllLines(csvPath).Length == (int)counts.Num("customers") + 1,
                "the CSV report has a header and one row per customer", csvPath);

            // 4. Every candidate has DAP removed, and nothing was done twice.
            int stillEnabled = 0;
            foreach (string id in candidates)
            {
                JsonObject customer = Json.Parse(Http.Get(url + "/_emulator/customers/" + id, null)) as JsonObject;
                if (customer == null || !Equals(false, customer.Get("dapEnabled")))
                {
                    stillEnabled++;
                }
            }
            Equal(0, stillEnabled, "GET /_emulator/customers/{id}: every candidate has dapEnabled false");

            Dictionary<string, int> journaled = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (string line in File.ReadAllLines(journalPath))
            {
                if (line.Trim().Length == 0)
                {
                    continue;
                }
                JsonObject record = Json.Parse(line) as JsonObject;
                if (record != null && record.Str("type") == "outcome" && record.Str("outcome") == "removed")
                {
                    string id = record.Str("customerTenantId");
                    int n;
                    journaled.TryGetValue(id, out n);
                    journaled[id] = n + 1;
                }
            }
            int twice = 0;
            foreach (KeyValuePair<string, int> pair in journaled)
            {
                if (pair.Value != 1)
                {
                    twice++;
                }
            }
            Equal(candidates.Count, journaled.Count, "the journal has a removed outcome for every candidate");
            Equal(0, twice, "the journal has no customer removed twice");

            Dictionary<string, int> patches = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            List<object> log = Json.Parse(Http.Get(url + "/_emulator/requests", null)) as List<object>;
            foreach (object entry in log ?? new List<object>())
            {
                JsonObject request = entry as JsonObject;
                if (request == null || request.Str("method") != "PATCH" || request.Str("path") == null)
                {
                    continue;
                }
                string path = request.Str("path");
                string id = path.Substring(path.LastIndexOf('/') + 1);
                int n;
                patches.TryGetValue(id, out n);
                patches[id] = n + 1;
            }
            int resent = 0;
            foreach (string id in removedFirst)
            {
                int n;
                patches.TryGetValue(id, out n);
                if (n != 1)
                {
                    resent++;
                }
            }
            Equal(0, resent, "each customer removed before the cancel got exactly one PATCH across both runs");
        }

        private static void TestThreads()
        {
            List<object> inactive = fixtures.List("inactiveDapCustomerIds");
            const int threads = 8;
            if (!Check(inactive.Count >= threads + 1, "the fixtures list at least 9 inactive DAP customers", inactive.Count.ToString()))
            {
                return;
            }
            int expectedCount = (int)fixtures.Num("customerCount");
            string[] problems = new string[threads];
            Thread[] workers = new Thread[threads];
            using (ManualResetEvent go = new ManualResetEvent(false))
            {
                for (int t = 0; t < threads; t++)
                {
                    int index = t;
                    string customer = (string)inactive[t + 1];
                    workers[t] = new Thread(() =>
                    {
                        try
                        {
                            go.WaitOne();
                            for (int round = 0; round < 3; round++)
                            {
                                string correlationId = Guid.NewGuid().ToString();
                                JsonObject list = Json.Parse(DelegatedAdminNative.ListDelegatedAdminCustomers(Json.Write(Request("allPages", true, "correlationId", correlationId)))) as JsonObject;
                                if (list == null || !Equals(true, list.Get("ok")))
                                {
                                    problems[index] = "list failed: " + Json.Write(list);
                                    return;
                                }
                                if (list.Str("correlationId") != correlationId)
                                {
                                    problems[index] = "list echoed correlation id " + list.Str("correlationId") + " instead of " + correlationId;
                                    return;
                                }
                                int count = list.Obj("result").Objects("customers").Count;
                                if (count != expectedCount)
                                {
                                    problems[index] = "list returned " + count + " customers instead of " + expectedCount;
                                    return;
                                }
                            }
                            JsonObject removed = Json.Parse(DelegatedAdminNative.RemoveDapRelationship(Json.Write(Request("customerTenantId", customer)))) as JsonObject;
                            if (removed == null || !Equals(true, removed.Get("ok")))
                            {
                                problems[index] = "remove failed: " + Json.Write(removed);
                                return;
                            }
                            if (!string.Equals(removed.Obj("result").Str("customerTenantId"), customer, StringComparison.OrdinalIgnoreCase))
                            {
                                problems[index] = "remove answered for another customer: " + Json.Write(removed);
                            }
                        }
                        catch (Exception e)
                        {
                            problems[index] = e.ToString();
                        }
                    });
                    workers[t].Start();
                }
                go.Set();
                foreach (Thread w in workers)
                {
                    if (!w.Join(TimeSpan.FromSeconds(120)))
                    {
                        Fail("thread finishes within 120 s", null);
                    }
                }
            }
            for (int t = 0; t < threads; t++)
            {
                Check(problems[t] == null, "thread " + t + ": 3 lists and 1 remove all correct", problems[t]);
            }
            List<JsonObject> after = AllCustomers();
            int stillEnabled = 0;
            for (int t = 0; t < threads; t++)
            {
                JsonObject c = FindCustomer(after, (string)inactive[t + 1]);
                if (c == null || !Equals(false, c.Get("dapEnabled")))
                {
                    stillEnabled++;
                }
            }
            Equal(0, stillEnabled, "after the threads every removed customer has dapEnabled false");
        }
    }

    // ----------------------------------------------------------------------------------------------------
    // HTTP (for the emulator's control endpoints and its raw JSON)
    // ----------------------------------------------------------------------------------------------------

    internal static class Http
    {
        public static string Get(string address, string bearer)
        {
            HttpWebRequest request = (HttpWebRequest)WebRequest.Create(address);
            request.Method = "GET";
            request.Accept = "application/json";
            if (bearer != null)
            {
                request.Headers["Authorization"] = "Bearer " + bearer;
            }
            return Send(request, null);
        }

        public static string Post(string address, string json)
        {
            HttpWebRequest request = (HttpWebRequest)WebRequest.Create(address);
            request.Method = "POST";
            if (json == null)
            {
                // No body: the emulator may answer a body-less control endpoint before reading one, and close.
                request.ContentLength = 0;
                return Send(request, null);
            }
            request.ContentType = "application/json";
            return Send(request, Encoding.UTF8.GetBytes(json));
        }

        private static string Send(HttpWebRequest request, byte[] body)
        {
            request.Proxy = null;
            request.Timeout = 30000;
            // A fresh connection each time: Mono may otherwise reuse one the emulator has already closed as idle.
            request.KeepAlive = false;
            if (body != null)
            {
                request.ContentLength = body.Length;
                using (Stream s = request.GetRequestStream())
                {
                    s.Write(body, 0, body.Length);
                }
            }
            try
            {
                using (HttpWebResponse response = (HttpWebResponse)request.GetResponse())
                using (StreamReader reader = new StreamReader(response.GetResponseStream(), new UTF8Encoding(false)))
                {
                    return reader.ReadToEnd();
                }
            }
            catch (WebException e)
            {
                string detail = "";
                HttpWebResponse response = e.Response as HttpWebResponse;
                if (response != null)
                {
                    using (StreamReader reader = new StreamReader(response.GetResponseStream(), new UTF8Encoding(false)))
                    {
                        detail = " " + (int)response.StatusCode + " " + reader.ReadToEnd();
                    }
                }
                throw new Exception(request.Method + " " + request.RequestUri + " failed:" + detail, e);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------
    // A small JSON reader and writer (the framework has none that C# 5 on every runtime can count on)
    // ----------------------------------------------------------------------------------------------------

    internal sealed class JsonObject : Dictionary<string, object>
    {
        public JsonObject() : base(StringComparer.Ordinal)
        {
        }

        public object Get(string key)
        {
            object value;
            return TryGetValue(key, out value) ? value : null;
        }

        public string Str(string key)
        {
            return Get(key) as string;
        }

        public double Num(string key)
        {
            object value = Get(key);
            return value is double ? (double)value : double.NaN;
        }

        public JsonObject Obj(string key)
        {
            return Get(key) as JsonObject;
        }

        public List<object> List(string key)
        {
            return Get(key) as List<object>;
        }

        public List<JsonObject> Objects(string key)
        {
            List<JsonObject> objects = new List<JsonObject>();
            List<object> list = List(key);
            if (list != null)
            {
                foreach (object o in list)
                {
                    JsonObject j = o as JsonObject;
                    if (j != null)
                    {
                        objects.Add(j);
                    }
                }
            }
            return objects;
        }
    }

    internal static class Json
    {
        public static JsonObject Obj(params object[] pairs)
        {
            JsonObject o = new JsonObject();
            for (int i = 0; i + 1 < pairs.Length; i += 2)
            {
                o[(string)pairs[i]] = pairs[i + 1];
            }
            return o;
        }

        public static string Write(object value)
        {
            StringBuilder sb = new StringBuilder();
            WriteValue(sb, value);
            return sb.ToString();
        }

        private static void WriteValue(StringBuilder sb, object value)
        {
            if (value == null)
            {
                sb.Append("null");
            }
            else if (value is string)
            {
                WriteString(sb, (string)value);
            }
            else if (value is bool)
            {
                sb.Append((bool)value ? "true" : "false");
            }
            else if (value is int || value is long || value is double)
            {
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            }
            else if (value is IDictionary<string, object>)
            {
                sb.Append('{');
                bool first = true;
                foreach (KeyValuePair<string, object> pair in (IDictionary<string, object>)value)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    WriteString(sb, pair.Key);
                    sb.Append(':');
                    WriteValue(sb, pair.Value);
                }
                sb.Append('}');
            }
            else if (value is System.Collections.IEnumerable)
            {
                sb.Append('[');
                bool first = true;
                foreach (object item in (System.Collections.IEnumerable)value)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    WriteValue(sb, item);
                }
                sb.Append(']');
            }
            else
            {
                throw new ArgumentException("cannot write " + value.GetType());
            }
        }

        private static void WriteString(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20)
                        {
                            sb.Append("\\u").Append(((int)c).ToString("x4"));
                        }
                        else
                        {
                            sb.Append(c); // non-ASCII stays as is: it travels as UTF-8
                        }
                        break;
                }
            }
            sb.Append('"');
        }

        public static object Parse(string text)
        {
            int i = 0;
            object value = ParseValue(text, ref i);
            SkipWhitespace(text, ref i);
            if (i != text.Length)
            {
                throw new FormatException("trailing characters at " + i + " in " + text);
            }
            return value;
        }

        private static void SkipWhitespace(string s, ref int i)
        {
            while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
            {
                i++;
            }
        }

        private static object ParseValue(string s, ref int i)
        {
            SkipWhitespace(s, ref i);
            if (i >= s.Length)
            {
                throw new FormatException("unexpected end of JSON");
            }
            char c = s[i];
            if (c == '{')
            {
                JsonObject o = new JsonObject();
                i++;
                SkipWhitespace(s, ref i);
                if (s[i] == '}')
                {
                    i++;
                    return o;
                }
                while (true)
                {
                    SkipWhitespace(s, ref i);
                    string key = ParseString(s, ref i);
                    SkipWhitespace(s, ref i);
                    Expect(s, ref i, ':');
                    o[key] = ParseValue(s, ref i);
                    SkipWhitespace(s, ref i);
                    if (s[i] == ',')
                    {
                        i++;
                        continue;
                    }
                    Expect(s, ref i, '}');
                    return o;
                }
            }
            if (c == '[')
            {
                List<object> list = new List<object>();
                i++;
                SkipWhitespace(s, ref i);
                if (s[i] == ']')
                {
                    i++;
                    return list;
                }
                while (true)
                {
                    list.Add(ParseValue(s, ref i));
                    SkipWhitespace(s, ref i);
                    if (s[i] == ',')
                    {
                        i++;
                        continue;
                    }
                    Expect(s, ref i, ']');
                    return list;
                }
            }
            if (c == '"')
            {
                return ParseString(s, ref i);
            }
            if (string.CompareOrdinal(s, i, "true", 0, 4) == 0)
            {
                i += 4;
                return true;
            }
            if (string.CompareOrdinal(s, i, "false", 0, 5) == 0)
            {
                i += 5;
                return false;
            }
            if (string.CompareOrdinal(s, i, "null", 0, 4) == 0)
            {
                i += 4;
                return null;
            }
            int start = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0)
            {
                i++;
            }
            if (start == i)
            {
                throw new FormatException("unexpected '" + c + "' at " + i);
            }
            return double.Parse(s.Substring(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        private static void Expect(string s, ref int i, char c)
        {
            if (i >= s.Length || s[i] != c)
            {
                throw new FormatException("expected '" + c + "' at " + i);
            }
            i++;
        }

        private static string ParseString(string s, ref int i)
        {
            Expect(s, ref i, '"');
            StringBuilder sb = new StringBuilder();
            while (true)
            {
                char c = s[i++];
                if (c == '"')
                {
                    return sb.ToString();
                }
                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }
                char e = s[i++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        sb.Append((char)int.Parse(s.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    default:
                        throw new FormatException("bad escape \\" + e);
                }
            }
        }
    }
}
