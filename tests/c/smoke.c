/*
 * C consumer smoke test of libdelegated_admin against the loopback emulator: every exported function, the
 * documented results and the documented error kinds, through the committed header only.
 *
 * Usage (tests/c/run.sh fills these in from GET /_emulator/fixtures):
 *   smoke url=http://127.0.0.1:PORT tenantId=.. clientId=.. clientSecret=.. tenantDomain=..
 *         providerInstanceId=.. customerCount=N inactiveCustomerId=.. relCustomerId=.. relationshipId=..
 *         subscriptionId=.. resourceGroup=.. subAssignments=N rgAssignments=N
 *         deleteAssignmentId=<full id at subscription scope> deleteAssignmentName=<another name, same scope>
 *         gdapActiveCount=N gdapExtendableId=.. gdapGlobalAdminId=.. gdapExpiredId=.. gdapCustomerId=..
 *
 * Prints one line per check ("PASS ..." / "FAIL ...: why") and ends with "N passed, M failed"; exits 1 on
 * any failure. Every string the library returns is freed exactly once with da_string_free (valgrind checks).
 */
#define _POSIX_C_SOURCE 200809L

#include "common.h"
#include "delegated_admin.h"

#include <ctype.h>

typedef char *(*da_fn)(const char *);

static int passed, failed;

static struct {
    const char *url, *tenant_id, *client_id, *client_secret, *tenant_domain, *provider_instance_id;
    const char *inactive_customer_id, *rel_customer_id, *relationship_id, *subscription_id, *resource_group;
    const char *delete_assignment_id, *delete_assignment_name;
    const char *gdap_extendable_id, *gdap_global_admin_id, *gdap_expired_id, *gdap_customer_id;
    long customer_count, sub_assignments, rg_assignments, gdap_active_count;
} fx;

/* The fields every request carries: the emulator as endpoint and authority, client credentials. */
static char common[2048];

static void report(bool ok, const char *name, const char *why, const char *env)
{
    if (ok) {
        passed++;
        printf("PASS %s\n", name);
    } else {
        failed++;
        printf("FAIL %s: %s\n", name, why ? why : "");
        if (env) printf("     envelope: %.1500s\n", env);
    }
    fflush(stdout);
}

static void check(bool ok, const char *name, const char *why) { report(ok, name, why, NULL); }

/* Call f(req); checks the envelope's shape (counted as its own check only on failure). Caller frees. */
static char *call(da_fn f, const char *req, const char *name)
{
    char *env = f(req);
    char why[256];
    if (!envelope_well_formed(env, why, sizeof why)) report(false, name, why, env);
    return env;
}

/* Call and expect "ok":true; returns the envelope (caller frees) or NULL after reporting. */
static char *expect_ok(da_fn f, const char *req, const char *name)
{
    char *env = call(f, req, name);
    if (!envelope_ok(env)) {
        report(false, name, "expected ok:true", env);
        da_string_free(env);
        return NULL;
    }
    return env;
}

/* Call, expect an error of `kind`, free. */
static void expect_kind(da_fn f, const char *req, const char *kind, const char *name)
{
    char *env = call(f, req, name);
    char why[128];
    snprintf(why, sizeof why, "expected error kind %s", kind);
    report(envelope_kind(env, kind), name, why, env);
    da_string_free(env);
}

/* Number of requests the emulator has logged (its control endpoints are not logged). */
static long emulator_request_count(void)
{
    char *body = NULL;
    int status = http_call(fx.url, "GET", "/_emulator/requests", NULL, &body);
    long n = -1;
    if (status == 200 && body) {
        const char *arr = js_ws(body);
        if (*arr == '{') arr = js_get(body, "requests");
        n = js_len(arr);
    }
    free(body);
    return n;
}

/* Whether the emulator's request log holds a request whose path contains `needle`. */
static bool emulator_saw_path(const char *needle, bool *exact_x_seen)
{
    char *body = NULL;
    int status = http_call(fx.url, "GET", "/_emulator/requests", NULL, &body);
    bool seen = false;
    if (exact_x_seen) *exact_x_seen = false;
    if (status == 200 && body) {
        const char *arr = js_ws(body);
        if (*arr == '{') arr = js_get(body, "requests");
        long n = js_len(arr);
        for (long i = 0; i < n; i++) {
            char path[2048];
            if (!js_str(js_get(js_index(arr, (size_t)i), "path"), path, sizeof path)) continue;
            if (strstr(path, needle)) seen = true;
            /* "../x" resolved by a client would have become ".../delegated-admin-relationships/x" or ".../x". */
            size_t l = strlen(path);
            if (exact_x_seen && l >= 2 && strcmp(path + l - 2, "/x") == 0) *exact_x_seen = true;
        }
    }
    free(body);
    return seen;
}

/* ------------------------------------------------------------------------------------------------ */

static void test_version_and_free(void)
{
    const char *v = da_version();
    bool ok = v && isdigit((unsigned char)v[0]) && strchr(v, '.') && utf8_valid(v);
    check(ok, "da_version returns a static x.y.z string", v ? v : "NULL");
    check(da_version() == v, "da_version returns the same static pointer twice", NULL);
    da_string_free(NULL);
    check(true, "da_string_free(NULL) is a no-op", NULL);
}

static void test_tokens(void)
{
    char req[4096];
    fmt(req, sizeof req, "{%s,\"resource\":\"https://management.azure.com\"}", common);
    char *env = expect_ok(da_acquire_token, req, "da_acquire_token client credentials (resource)");
    if (env) {
        char tok[4096];
        bool ok = js_str(js_get(env, "result.accessToken"), tok, sizeof tok) && tok[0] &&
                  js_str_eq(js_get(env, "result.tokenType"), "Bearer") &&
                  js_num(js_get(env, "result.expiresIn")) > 0 && js_is_string(js_get(env, "result.expiresOn"));
        report(ok, "da_acquire_token client credentials (resource)", "result lacks accessToken/Bearer/expiresIn",
               env);
        report(strstr(env, fx.client_secret) == NULL, "da_acquire_token envelope never holds the client secret",
               "client secret found", NULL);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"scope\":\"https://management.azure.com/.default\"}", common);
    env = expect_ok(da_acquire_token, req, "da_acquire_token client credentials (scope)");
    if (env) {
        report(js_is_string(js_get(env, "result.accessToken")), "da_acquire_token client credentials (scope)",
               "no accessToken", env);
        da_string_free(env);
    }

    /* Bring your own token: an ARM token works for ARM, and is refused (403) by another service. */
    fmt(req, sizeof req, "{%s,\"resource\":\"https://management.azure.com\"}", common);
    env = expect_ok(da_acquire_token, req, "ARM token for the accessToken auth shape");
    if (env) {
        char tok[4096], tok_escaped[4096];
        if (js_str(js_get(env, "result.accessToken"), tok, sizeof tok)) {
            json_escape(tok, tok_escaped, sizeof tok_escaped);
            char byo[8192];
            fmt(byo, sizeof byo, "{\"endpoint\":\"%s\",\"auth\":{\"accessToken\":\"%s\"},\"scope\":\"/subscriptions/%s\"}",
                fx.url, tok_escaped, fx.subscription_id);
            char *e2 = expect_ok(da_list_lighthouse_assignments, byo, "auth {accessToken}: ARM token lists Lighthouse assignments");
            if (e2) {
                report(js_len(js_get(e2, "result.assignments")) == fx.sub_assignments && !strstr(e2, tok),
                       "auth {accessToken}: ARM token lists Lighthouse assignments",
                       "wrong count or the token echoed", e2);
                da_string_free(e2);
            }
            fmt(byo, sizeof byo, "{\"endpoint\":\"%s\",\"auth\":{\"accessToken\":\"%s\"},\"top\":1}", fx.url,
                tok_escaped);
            e2 = call(da_list_delegated_admin_customers, byo, "auth {accessToken}: ARM token on the customers API -> forbidden");
            report(envelope_kind(e2, "forbidden") && js_num(js_get(e2, "error.status")) == 403 && !strstr(e2, tok),
                   "auth {accessToken}: ARM token on the customers API -> forbidden",
                   "expected kind forbidden, status 403, token not echoed", e2);
            da_string_free(e2);
            fmt(byo, sizeof byo, "{\"endpoint\":\"%s\",\"auth\":{\"accessToken\":\"emu.not-a-token\"},\"scope\":"
                "\"/subscriptions/%s\"}", fx.url, fx.subscription_id);
            expect_kind(da_list_lighthouse_assignments, byo, "unauthorized",
                        "auth {accessToken}: unknown token -> unauthorized");
        } else {
            report(false, "ARM token for the accessToken auth shape", "no accessToken", env);
        }
        da_string_free(env);
    }

    const char *cid = "0f8fad5b-d9cb-469f-a165-70867728950e";
    fmt(req, sizeof req, "{%s,\"resource\":\"https://management.azure.com\",\"correlationId\":\"%s\"}", common,
        cid);
    env = expect_ok(da_acquire_token, req, "correlationId is echoed in the envelope");
    if (env) {
        report(js_str_eq(js_get(env, "correlationId"), cid), "correlationId is echoed in the envelope",
               "different correlationId", env);
        da_string_free(env);
    }
}

static void test_device_code(void)
{
    char req[4096];
    fmt(req, sizeof req,
        "{\"authority\":\"%s\",\"endpoint\":\"%s\",\"clientId\":\"%s\",\"tenantId\":\"%s\","
        "\"resource\":\"https://management.azure.com\"}",
        fx.url, fx.url, fx.client_id, fx.tenant_id);
    char *env = expect_ok(da_start_device_code, req, "da_start_device_code");
    if (!env) return;
    char device_code[2048], user_code[128];
    bool ok = js_str(js_get(env, "result.deviceCode"), device_code, sizeof device_code) &&
              js_str(js_get(env, "result.userCode"), user_code, sizeof user_code) &&
              js_is_string(js_get(env, "result.verificationUri")) && js_is_string(js_get(env, "result.message")) &&
              js_num(js_get(env, "result.interval")) >= 0 && js_num(js_get(env, "result.expiresIn")) > 0;
    long interval = (long)js_num(js_get(env, "result.interval"));
    report(ok, "da_start_device_code returns deviceCode, userCode, verificationUri, message, interval",
           "missing fields", env);
    da_string_free(env);
    if (!ok) return;
    printf("     device code sign-in: user code %s\n", user_code);

    char poll[4096];
    char dc_escaped[2048];
    json_escape(device_code, dc_escaped, sizeof dc_escaped);
    fmt(poll, sizeof poll,
        "{\"authority\":\"%s\",\"clientId\":\"%s\",\"tenantId\":\"%s\",\"deviceCode\":\"%s\",\"interval\":%ld}",
        fx.url, fx.client_id, fx.tenant_id, dc_escaped, interval);
    env = expect_ok(da_poll_device_code, poll, "da_poll_device_code before approval is pending");
    if (env) {
        char status[32] = "";
        js_str(js_get(env, "result.status"), status, sizeof status);
        report((!strcmp(status, "pending") || !strcmp(status, "slow_down")) && js_is(js_get(env, "result.token"), "null"),
               "da_poll_device_code before approval is pending", "status not pending/slow_down or a token", env);
        da_string_free(env);
    }

    char body[256];
    fmt(body, sizeof body, "{\"userCode\":\"%s\"}", user_code);
    int status = http_call(fx.url, "POST", "/_emulator/device/approve", body, NULL);
    char why[64];
    snprintf(why, sizeof why, "HTTP %d", status);
    check(status >= 200 && status < 300, "emulator approves the user code (raw-socket POST)", why);

    bool completed = false;
    char refresh[4096] = "";
    for (int attempt = 0; attempt < 30 && !completed; attempt++) {
        sleep_ms((interval > 0 ? interval : 1) * 1000 + 150);
        env = call(da_poll_device_code, poll, "da_poll_device_code until completed");
        if (!envelope_ok(env)) {
            report(false, "da_poll_device_code until completed", "error envelope", env);
            da_string_free(env);
            break;
        }
        char st[32] = "";
        js_str(js_get(env, "result.status"), st, sizeof st);
        if (!strcmp(st, "completed")) {
            completed = true;
            ok = js_is_string(js_get(env, "result.token.accessToken")) &&
                 js_str_eq(js_get(env, "result.token.tokenType"), "Bearer");
            js_str(js_get(env, "result.token.refreshToken"), refresh, sizeof refresh);
            report(ok, "da_poll_device_code completes with a token", "token lacks accessToken/Bearer", env);
        } else if (!strcmp(st, "pending") || !strcmp(st, "slow_down")) {
            long next = (long)js_num(js_get(env, "result.interval"));
            if (next > 0) interval = next;
            fmt(poll, sizeof poll,
                "{\"authority\":\"%s\",\"clientId\":\"%s\",\"tenantId\":\"%s\",\"deviceCode\":\"%s\","
                "\"interval\":%ld}",
                fx.url, fx.client_id, fx.tenant_id, dc_escaped, interval);
        } else {
            report(false, "da_poll_device_code until completed", "unexpected status", env);
            da_string_free(env);
            break;
        }
        da_string_free(env);
    }
    if (!completed) check(false, "da_poll_device_code completes with a token", "never completed");

    /* The refresh token from the device code sign-in, through the refresh token grant. */
    if (refresh[0]) {
        char rt[4096];
        json_escape(refresh, rt, sizeof rt);
        fmt(req, sizeof req,
            "{\"authority\":\"%s\",\"auth\":{\"tenantId\":\"%s\",\"clientId\":\"%s\",\"refreshToken\":\"%s\"},"
            "\"resource\":\"https://management.azure.com\"}",
            fx.url, fx.tenant_id, fx.client_id, rt);
        env = expect_ok(da_acquire_token, req, "da_acquire_token refresh token grant");
        if (env) {
            report(js_is_string(js_get(env, "result.accessToken")), "da_acquire_token refresh token grant",
                   "no accessToken", env);
            da_string_free(env);
        }
    } else {
        check(false, "device code token carries a refresh token", "refreshToken missing");
    }
}

/* Whether the customers array holds `id` and, if so, its dapEnabled literal into dap[]. */
static bool customers_find(const char *customers, const char *id, char *dap, size_t n)
{
    long len = js_len(customers);
    for (long i = 0; i < len; i++) {
        const char *c = js_index(customers, (size_t)i);
        if (js_str_eq(js_get(c, "customerTenantId"), id)) {
            const char *d = js_ws(js_get(c, "dapEnabled"));
            snprintf(dap, n, "%s", d && js_is(d, "true") ? "true" : d && js_is(d, "false") ? "false" : "?");
            return true;
        }
    }
    return false;
}

static void test_list_customers(void)
{
    char req[4096], why[256];
    fmt(req, sizeof req, "{%s,\"allPages\":true,\"top\":7,\"count\":true}", common);
    char *env = expect_ok(da_list_delegated_admin_customers, req, "list customers allPages (top 7 per page) + count");
    if (env) {
        long n = js_len(js_get(env, "result.customers"));
        long count = (long)js_num(js_get(env, "result.count"));
        snprintf(why, sizeof why, "%ld customers, count %ld, expected %ld", n, count, fx.customer_count);
        report(n == fx.customer_count && count == fx.customer_count && js_is(js_get(env, "result.nextLink"), "null"),
               "list customers allPages (top 7 per page) + count", why, env);
        const char *first = js_get(env, "result.customers.0");
        static const char *const fields[] = {"id", "customerTenantId", "organizationDisplayName",
                                             "partnerAgentCount", "partnerSignInCount", "globalAdminSignInCount",
                                             "dapEnabled", "startDateTime", "endDateTime", "lastSignInDateTime"};
        bool all = first != NULL;
        for (size_t i = 0; all && i < sizeof fields / sizeof fields[0]; i++)
            if (!js_get(first, fields[i])) {
                snprintf(why, sizeof why, "customer lacks %s", fields[i]);
                all = false;
            }
        report(all, "customers carry every documented field", why, NULL);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"top\":5}", common);
    env = expect_ok(da_list_delegated_admin_customers, req, "list customers top 5 (one page, nextLink)");
    if (env) {
        long n = js_len(js_get(env, "result.customers"));
        snprintf(why, sizeof why, "%ld customers", n);
        report(n == 5 && (fx.customer_count <= 5 || js_is_string(js_get(env, "result.nextLink"))),
               "list customers top 5 (one page, nextLink)", why, env);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"filter\":\"dapEnabled eq true\",\"allPages\":true,\"top\":300}", common);
    env = expect_ok(da_list_delegated_admin_customers, req, "list customers filter dapEnabled eq true");
    if (env) {
        const char *cs = js_get(env, "result.customers");
        long n = js_len(cs), bad = 0;
        for (long i = 0; i < n; i++)
            if (!js_is(js_get(js_index(cs, (size_t)i), "dapEnabled"), "true")) bad++;
        snprintf(why, sizeof why, "%ld customers, %ld without dapEnabled true", n, bad);
        report(n > 0 && n < fx.customer_count && bad == 0, "list customers filter dapEnabled eq true", why, env);
        da_string_free(env);
    }

    for (int desc = 0; desc < 2; desc++) {
        char name[128];
        snprintf(name, sizeof name, "list customers orderBy organizationDisplayName%s", desc ? " desc" : "");
        fmt(req, sizeof req, "{%s,\"orderBy\":\"organizationDisplayName%s\",\"top\":25}", common,
            desc ? " desc" : "");
        env = expect_ok(da_list_delegated_admin_customers, req, name);
        if (!env) continue;
        const char *cs = js_get(env, "result.customers");
        long n = js_len(cs), inversions = 0;
        char prev[512] = "", cur[512];
        for (long i = 0; i < n; i++) {
            if (!js_str(js_get(js_index(cs, (size_t)i), "organizationDisplayName"), cur, sizeof cur)) {
                inversions++;
                continue;
            }
            int c = strcmp(prev, cur); /* byte order of UTF-8 == code point order, as the service sorts */
            if (i > 0 && (desc ? c < 0 : c > 0)) inversions++;
            memcpy(prev, cur, sizeof prev);
        }
        snprintf(why, sizeof why, "%ld customers, %ld out of order", n, inversions);
        report(n == (fx.customer_count < 25 ? fx.customer_count : 25) && inversions == 0, name, why, env);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"orderBy\":\"lastSignInDateTime desc\",\"top\":3,\"skip\":2,"
                         "\"select\":[\"customerTenantId\",\"organizationDisplayName\",\"dapEnabled\"]}",
        common);
    env = expect_ok(da_list_delegated_admin_customers, req, "list customers orderBy lastSignInDateTime desc, skip, select");
    if (env) {
        long n = js_len(js_get(env, "result.customers"));
        snprintf(why, sizeof why, "%ld customers", n);
        report(n == 3, "list customers orderBy lastSignInDateTime desc, skip, select", why, env);
        da_string_free(env);
    }
}

static void test_remove_dap(void)
{
    char req[4096], why[256];
    fmt(req, sizeof req, "{%s,\"customerTenantId\":\"%s\"}", common, fx.inactive_customer_id);
    for (int round = 0; round < 2; round++) {
        const char *name = round ? "da_remove_dap_relationship again (idempotent)" :
                                   "da_remove_dap_relationship on an inactive customer";
        char *env = expect_ok(da_remove_dap_relationship, req, name);
        if (!env) continue;
        report(js_str_eq(js_get(env, "result.customerTenantId"), fx.inactive_customer_id) &&
                   js_is(js_get(env, "result.allowDelegatedAccess"), "false") && js_get(env, "result.customer"),
               name, "result lacks customerTenantId / allowDelegatedAccess:false / customer", env);
        da_string_free(env);
    }

    char dap[8];
    fmt(req, sizeof req, "{%s,\"filter\":\"dapEnabled eq false\",\"allPages\":true,\"top\":300}", common);
    char *env = expect_ok(da_list_delegated_admin_customers, req, "removed customer is listed with dapEnabled false");
    if (env) {
        bool found = customers_find(js_get(env, "result.customers"), fx.inactive_customer_id, dap, sizeof dap);
        snprintf(why, sizeof why, "found %d dapEnabled %s", found, found ? dap : "-");
        report(found && !strcmp(dap, "false"), "removed customer is listed with dapEnabled false", why, NULL);
        da_string_free(env);
    }
    fmt(req, sizeof req, "{%s,\"filter\":\"dapEnabled eq true\",\"allPages\":true,\"top\":300}", common);
    env = expect_ok(da_list_delegated_admin_customers, req, "removed customer is gone from dapEnabled eq true");
    if (env) {
        bool found = customers_find(js_get(env, "result.customers"), fx.inactive_customer_id, dap, sizeof dap);
        report(!found, "removed customer is gone from dapEnabled eq true", "still listed", NULL);
        da_string_free(env);
    }
}

static void test_update_relationship(void)
{
    char req[4096];
    for (int round = 0; round < 2; round++) {
        bool value = round == 0;
        char name[128];
        snprintf(name, sizeof name, "da_update_delegated_admin_relationship autoExtendEnabled %s",
                 value ? "true" : "false");
        fmt(req, sizeof req,
            "{%s,\"tenantDomain\":\"%s\",\"customerId\":\"%s\",\"relationshipId\":\"%s\","
            "\"providerInstanceId\":\"%s\",\"autoExtendEnabled\":%s}",
            common, fx.tenant_domain, fx.rel_customer_id, fx.relationship_id, fx.provider_instance_id,
            value ? "true" : "false");
        char *env = expect_ok(da_update_delegated_admin_relationship, req, name);
        if (!env) continue;
        const char *lit = value ? "true" : "false";
        const char *rel = js_get(env, "result.relationship");
        bool ok = js_str_eq(js_get(env, "result.customerId"), fx.rel_customer_id) &&
                  js_str_eq(js_get(env, "result.relationshipId"), fx.relationship_id) &&
                  js_is(js_get(env, "result.autoExtendEnabled"), lit) &&
                  (js_is(rel, "null") || js_is(js_get(rel, "autoExtendEnabled"), lit));
        report(ok, name, "result does not reflect the update", env);
        da_string_free(env);
    }
}

static void test_lighthouse(void)
{
    char req[4096], why[256], scope[512];
    fmt(scope, sizeof scope, "/subscriptions/%s", fx.subscription_id);

    fmt(req, sizeof req, "{%s,\"scope\":\"%s\",\"includeDefinition\":true}", common, scope);
    char *env = expect_ok(da_list_lighthouse_assignments, req, "list Lighthouse assignments (subscription, includeDefinition, every page)");
    if (env) {
        const char *as = js_get(env, "result.assignments");
        long n = js_len(as), with_def = 0, managed_by_partner = 0;
        for (long i = 0; i < n; i++) {
            const char *a = js_index(as, (size_t)i);
            const char *props = js_get(a, "properties.registrationDefinition.properties");
            if (js_is_string(js_get(props, "managedByTenantId")) && js_len(js_get(props, "authorizations")) > 0 &&
                js_is_string(js_get(a, "properties.registrationDefinitionId")))
                with_def++;
            if (js_str_eq(js_get(props, "managedByTenantId"), fx.tenant_id)) managed_by_partner++;
        }
        snprintf(why, sizeof why, "%ld assignments (%ld with definition), expected %ld", n, with_def,
                 fx.sub_assignments);
        report(n == fx.sub_assignments && with_def == n,
               "list Lighthouse assignments (subscription, includeDefinition, every page)", why, env);
        /* The emulator's definitions are managed by the partner tenant, the auth tenantId of the request. */
        /* Identifiers are not secrets: the envelope scrubber must leave auth.tenantId alone. */
        report(n > 0 && managed_by_partner == n,
               "includeDefinition: managedByTenantId is the partner tenant id, as the service sent it",
               "managedByTenantId was altered (scrubbed as if it were a secret?)", env);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"scope\":\"%s/resourceGroups/%s\"}", common, scope, fx.resource_group);
    env = expect_ok(da_list_lighthouse_assignments, req, "list Lighthouse assignments (resource group)");
    if (env) {
        const char *as = js_get(env, "result.assignments");
        long n = js_len(as);
        snprintf(why, sizeof why, "%ld assignments, expected %ld", n, fx.rg_assignments);
        report(n == fx.rg_assignments && (n == 0 || !js_get(js_index(as, 0), "properties.registrationDefinition")),
               "list Lighthouse assignments (resource group)", why, env);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"assignmentId\":\"%s\",\"wait\":true}", common, fx.delete_assignment_id);
    env = expect_ok(da_remove_lighthouse_assignment, req, "da_remove_lighthouse_assignment wait=true");
    if (env) {
        report(js_str_eq(js_get(env, "result.status"), "deleted"), "da_remove_lighthouse_assignment wait=true",
               "status is not deleted", env);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"scope\":\"%s\"}", common, scope);
    env = expect_ok(da_list_lighthouse_assignments, req, "deleted assignment is no longer listed");
    if (env) {
        const char *as = js_get(env, "result.assignments");
        long n = js_len(as);
        bool present = false;
        for (long i = 0; i < n; i++)
            if (js_str_eq(js_get(js_index(as, (size_t)i), "id"), fx.delete_assignment_id)) present = true;
        snprintf(why, sizeof why, "%ld assignments, deleted one present: %d", n, present);
        report(n == fx.sub_assignments - 1 && !present, "deleted assignment is no longer listed", why, env);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"assignmentId\":\"%s\",\"wait\":true}", common, fx.delete_assignment_id);
    env = expect_ok(da_remove_lighthouse_assignment, req, "da_remove_lighthouse_assignment of a deleted assignment");
    if (env) {
        report(js_str_eq(js_get(env, "result.status"), "notFound"),
               "da_remove_lighthouse_assignment of a deleted assignment", "status is not notFound", env);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"scope\":\"%s\",\"assignmentName\":\"%s\"}", common, scope, fx.delete_assignment_name);
    env = expect_ok(da_remove_lighthouse_assignment, req, "da_remove_lighthouse_assignment scope+name, no wait");
    if (env) {
        report(js_str_eq(js_get(env, "result.status"), "accepted") && js_is_string(js_get(env, "result.operationUrl")),
               "da_remove_lighthouse_assignment scope+name, no wait", "status not accepted with an operationUrl",
               env);
        da_string_free(env);
    }
}

/* Bad input: invalid_request, and the emulator saw nothing. */
static void test_invalid_requests(void)
{
    long before = emulator_request_count();
    check(before >= 0, "emulator request log is readable", "GET /_emulator/requests failed");

    char req[4096];
    static const char bad_utf8[] = {'{', '"', 'f', 'i', 'l', 't', 'e', 'r', '"', ':', '"', (char)0xC3, (char)0x28,
                                    '"', '}', 0};
    static const char overlong[] = {'{', '"', 'a', '"', ':', '"', (char)0xC0, (char)0xAF, '"', '}', 0};

    /* A valid request body (without braces) per function, to which an unknown field is added. */
    static char v_token[3072], v_start[1024], v_poll[1024], v_list[3072], v_dap[3072], v_rel[3072], v_lh[3072],
        v_rm[3072], v_glist[3072], v_gget[3072], v_gext[3072], v_gga[3072], v_gterm[3072], v_gasg[3072],
        v_gcust[3072];
    fmt(v_token, sizeof v_token, "%s,\"resource\":\"https://management.azure.com\"", common);
    fmt(v_start, sizeof v_start, "\"authority\":\"%s\",\"clientId\":\"%s\",\"tenantId\":\"%s\",\"resource\":"
        "\"https://management.azure.com\"", fx.url, fx.client_id, fx.tenant_id);
    fmt(v_poll, sizeof v_poll, "\"authority\":\"%s\",\"clientId\":\"%s\",\"tenantId\":\"%s\",\"deviceCode\":"
        "\"emu-dc.unknown\"", fx.url, fx.client_id, fx.tenant_id);
    fmt(v_list, sizeof v_list, "%s,\"top\":1", common);
    fmt(v_dap, sizeof v_dap, "%s,\"customerTenantId\":\"%s\"", common, fx.inactive_customer_id);
    fmt(v_rel, sizeof v_rel, "%s,\"tenantDomain\":\"%s\",\"customerId\":\"%s\",\"relationshipId\":\"%s\","
        "\"providerInstanceId\":\"%s\",\"autoExtendEnabled\":true", common, fx.tenant_domain, fx.rel_customer_id,
        fx.relationship_id, fx.provider_instance_id);
    fmt(v_lh, sizeof v_lh, "%s,\"scope\":\"/subscriptions/%s\"", common, fx.subscription_id);
    fmt(v_rm, sizeof v_rm, "%s,\"assignmentId\":\"%s\"", common, fx.delete_assignment_id);
    fmt(v_glist, sizeof v_glist, "%s,\"status\":\"active\"", common);
    fmt(v_gget, sizeof v_gget, "%s,\"id\":\"%s\"", common, fx.gdap_extendable_id);
    fmt(v_gext, sizeof v_gext, "%s,\"id\":\"%s\",\"autoExtendDuration\":\"P180D\"", common, fx.gdap_extendable_id);
    fmt(v_gga, sizeof v_gga, "%s,\"id\":\"%s\",\"wait\":true", common, fx.gdap_global_admin_id);
    fmt(v_gterm, sizeof v_gterm, "%s,\"id\":\"%s\"", common, fx.gdap_extendable_id);
    fmt(v_gasg, sizeof v_gasg, "%s,\"id\":\"%s\",\"status\":\"active\"", common, fx.gdap_extendable_id);
    fmt(v_gcust, sizeof v_gcust, "%s,\"customerTenantId\":\"%s\"", common, fx.gdap_customer_id);
    struct {
        da_fn f;
        const char *fname;
        const char *valid;
    } fns[] = {
        {da_acquire_token, "da_acquire_token", v_token},
        {da_start_device_code, "da_start_device_code", v_start},
        {da_poll_device_code, "da_poll_device_code", v_poll},
        {da_list_delegated_admin_customers, "da_list_delegated_admin_customers", v_list},
        {da_remove_dap_relationship, "da_remove_dap_relationship", v_dap},
        {da_update_delegated_admin_relationship, "da_update_delegated_admin_relationship", v_rel},
        {da_list_lighthouse_assignments, "da_list_lighthouse_assignments", v_lh},
        {da_remove_lighthouse_assignment, "da_remove_lighthouse_assignment", v_rm},
        {da_list_gdap_relationships, "da_list_gdap_relationships", v_glist},
        {da_get_gdap_relationship, "da_get_gdap_relationship", v_gget},
        {da_set_gdap_auto_extend, "da_set_gdap_auto_extend", v_gext},
        {da_remove_gdap_global_admin_role, "da_remove_gdap_global_admin_role", v_gga},
        {da_terminate_gdap_relationship, "da_terminate_gdap_relationship", v_gterm},
        {da_list_gdap_access_assignments, "da_list_gdap_access_assignments", v_gasg},
        {da_list_gdap_customers, "da_list_gdap_customers", v_gcust},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        char name[160];
        snprintf(name, sizeof name, "%s(NULL) -> invalid_request", fns[i].fname);
        expect_kind(fns[i].f, NULL, "invalid_request", name);
        snprintf(name, sizeof name, "%s(invalid UTF-8) -> invalid_request", fns[i].fname);
        expect_kind(fns[i].f, bad_utf8, "invalid_request", name);
        snprintf(name, sizeof name, "%s(overlong UTF-8) -> invalid_request", fns[i].fname);
        expect_kind(fns[i].f, overlong, "invalid_request", name);
        snprintf(name, sizeof name, "%s(malformed JSON) -> invalid_request", fns[i].fname);
        expect_kind(fns[i].f, "{\"top\": 5,", "invalid_request", name);
        snprintf(name, sizeof name, "%s(empty string) -> invalid_request", fns[i].fname);
        expect_kind(fns[i].f, "", "invalid_request", name);
        snprintf(name, sizeof name, "%s(JSON array) -> invalid_request", fns[i].fname);
        expect_kind(fns[i].f, "[{\"top\":5}]", "invalid_request", name);
        snprintf(name, sizeof name, "%s(valid request + unknown field) -> invalid_request naming it", fns[i].fname);
        fmt(req, sizeof req, "{%s,\"frobnicate\":true}", fns[i].valid);
        char *env = call(fns[i].f, req, name);
        report(envelope_kind(env, "invalid_request") && strstr(env, "frobnicate"), name,
               "expected invalid_request whose message names the field", env);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"tpo\":5}", common);
    expect_kind(da_list_delegated_admin_customers, req, "invalid_request", "misspelt option top -> invalid_request");
    fmt(req, sizeof req, "{%s,\"top\":\"5\"}", common);
    expect_kind(da_list_delegated_admin_customers, req, "invalid_request", "top as a string -> invalid_request");
    fmt(req, sizeof req, "{%s,\"top\":0}", common);
    expect_kind(da_list_delegated_admin_customers, req, "invalid_request", "top 0 -> invalid_request");
    fmt(req, sizeof req, "{%s,\"top\":301}", common);
    expect_kind(da_list_delegated_admin_customers, req, "invalid_request", "top 301 -> invalid_request");
    fmt(req, sizeof req, "{%s,\"orderBy\":\"partnerAgentCount\"}", common);
    expect_kind(da_list_delegated_admin_customers, req, "invalid_request",
                "orderBy an unsupported field -> invalid_request");
    fmt(req, sizeof req, "{%s,\"orderBy\":\"organizationDisplayName sideways\"}", common);
    expect_kind(da_list_delegated_admin_customers, req, "invalid_request",
                "orderBy with a bad direction -> invalid_request");

    fmt(req, sizeof req, "{%s,\"customerTenantId\":\"not-a-guid\"}", common);
    expect_kind(da_remove_dap_relationship, req, "invalid_request", "customerTenantId not a GUID -> invalid_request");
    fmt(req, sizeof req, "{%s,\"customerTenantId\":\"../../v1/customers\"}", common);
    expect_kind(da_remove_dap_relationship, req, "invalid_request", "customerTenantId a path -> invalid_request");
    fmt(req, sizeof req, "{%s}", common);
    expect_kind(da_remove_dap_relationship, req, "invalid_request", "customerTenantId missing -> invalid_request");
    fmt(req, sizeof req, "{%s,\"customerTenantId\":42}", common);
    expect_kind(da_remove_dap_relationship, req, "invalid_request", "customerTenantId a number -> invalid_request");

    fmt(req, sizeof req,
        "{%s,\"tenantDomain\":\"%s\",\"customerId\":\"nope\",\"relationshipId\":\"%s\",\"providerInstanceId\":\"%s\","
        "\"autoExtendEnabled\":true}",
        common, fx.tenant_domain, fx.relationship_id, fx.provider_instance_id);
    expect_kind(da_update_delegated_admin_relationship, req, "invalid_request",
                "relationship customerId not a GUID -> invalid_request");
    fmt(req, sizeof req,
        "{%s,\"tenantDomain\":\"%s\",\"customerId\":\"%s\",\"relationshipId\":\"%s\",\"providerInstanceId\":\"%s\","
        "\"autoExtendEnabled\":\"yes\"}",
        common, fx.tenant_domain, fx.rel_customer_id, fx.relationship_id, fx.provider_instance_id);
    expect_kind(da_update_delegated_admin_relationship, req, "invalid_request",
                "autoExtendEnabled a string -> invalid_request");

    static const char *const bad_scopes[] = {
        "/subscriptions/not-a-guid",
        "/subscriptions",
        "subscriptions/00000000-0000-0000-0000-000000000000",
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/../x",
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Compute",
        "/tenants/00000000-0000-0000-0000-000000000000",
    };
    for (size_t i = 0; i < sizeof bad_scopes / sizeof bad_scopes[0]; i++) {
        char name[256];
        snprintf(name, sizeof name, "Lighthouse scope \"%s\" -> invalid_request", bad_scopes[i]);
        fmt(req, sizeof req, "{%s,\"scope\":\"%s\"}", common, bad_scopes[i]);
        expect_kind(da_list_lighthouse_assignments, req, "invalid_request", name);
    }
    fmt(req, sizeof req, "{%s,\"assignmentId\":\"/subscriptions/%s/providers/Microsoft.Authorization/x\"}", common,
        fx.subscription_id);
    expect_kind(da_remove_lighthouse_assignment, req, "invalid_request", "bad assignmentId -> invalid_request");
    fmt(req, sizeof req, "{%s,\"scope\":\"/subscriptions/%s\"}", common, fx.subscription_id);
    expect_kind(da_remove_lighthouse_assignment, req, "invalid_request",
                "scope without assignmentName -> invalid_request");

    /* GDAP: identifiers, values and ranges are checked before anything is sent. */
    static const char *const bad_gdap_ids[] = {
        "not-an-id",
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "../3f2504e0-4f89-11d3-9a0c-0305e82c3301-3f2504e0-4f89-11d3-9a0c-0305e82c330",
    };
    for (size_t i = 0; i < sizeof bad_gdap_ids / sizeof bad_gdap_ids[0]; i++) {
        char name[256];
        snprintf(name, sizeof name, "GDAP relationship id \"%s\" -> invalid_request", bad_gdap_ids[i]);
        fmt(req, sizeof req, "{%s,\"id\":\"%s\"}", common, bad_gdap_ids[i]);
        expect_kind(da_get_gdap_relationship, req, "invalid_request", name);
    }
    fmt(req, sizeof req, "{%s,\"id\":\"%s\",\"autoExtendDuration\":\"P90D\"}", common, fx.gdap_extendable_id);
    expect_kind(da_set_gdap_auto_extend, req, "invalid_request", "autoExtendDuration P90D -> invalid_request");
    fmt(req, sizeof req, "{%s,\"autoExtendDuration\":\"PT0S\"}", common);
    expect_kind(da_set_gdap_auto_extend, req, "invalid_request", "auto-extend without id or relationship -> invalid_request");
    fmt(req, sizeof req, "{%s,\"top\":301}", common);
    expect_kind(da_list_gdap_relationships, req, "invalid_request", "GDAP list top 301 -> invalid_request");
    fmt(req, sizeof req, "{%s,\"status\":\"Activ\"}", common);
    expect_kind(da_list_gdap_relationships, req, "invalid_request", "GDAP list unknown status -> invalid_request");
    fmt(req, sizeof req, "{%s,\"expiringWithinDays\":731}", common);
    expect_kind(da_list_gdap_relationships, req, "invalid_request", "GDAP expiringWithinDays 731 -> invalid_request");
    fmt(req, sizeof req, "{%s,\"id\":\"%s\",\"status\":\"gone\"}", common, fx.gdap_extendable_id);
    expect_kind(da_list_gdap_access_assignments, req, "invalid_request", "access assignments unknown status -> invalid_request");
    fmt(req, sizeof req, "{%s,\"customerTenantId\":\"x\"}", common);
    expect_kind(da_list_gdap_customers, req, "invalid_request", "GDAP customers customerTenantId not a GUID -> invalid_request");

    /* Only https://, except http:// to loopback. */
    fmt(req, sizeof req,
        "{\"endpoint\":\"http://example.com\",\"authority\":\"%s\",\"auth\":{\"tenantId\":\"%s\",\"clientId\":\"%s\","
        "\"clientSecret\":\"%s\"},\"top\":1}",
        fx.url, fx.tenant_id, fx.client_id, fx.client_secret);
    expect_kind(da_list_delegated_admin_customers, req, "invalid_request",
                "endpoint http://example.com -> invalid_request");
    fmt(req, sizeof req,
        "{\"authority\":\"http://example.com\",\"auth\":{\"tenantId\":\"%s\",\"clientId\":\"%s\",\"clientSecret\":"
        "\"%s\"},\"resource\":\"https://management.azure.com\"}",
        fx.tenant_id, fx.client_id, fx.client_secret);
    expect_kind(da_acquire_token, req, "invalid_request", "authority http://example.com -> invalid_request");
    fmt(req, sizeof req, "{%s,\"timeoutSeconds\":-1,\"top\":1}", common);
    expect_kind(da_list_delegated_admin_customers, req, "invalid_request", "timeoutSeconds -1 -> invalid_request");
    fmt(req, sizeof req, "{%s,\"correlationId\":\"not-a-guid\",\"top\":1}", common);
    expect_kind(da_list_delegated_admin_customers, req, "invalid_request", "correlationId not a GUID -> invalid_request");
    fmt(req, sizeof req, "{%s}", common);
    expect_kind(da_acquire_token, req, "invalid_request", "acquire token without resource or scope -> invalid_request");

    long after = emulator_request_count();
    char why[96];
    snprintf(why, sizeof why, "%ld requests logged before, %ld after", before, after);
    check(before >= 0 && after == before, "no invalid request reached the emulator", why);
}

/* Microsoft Graph GDAP: list every page, read one with its ETag, auto-extend, the Global Administrator rule
 * refused without a request, the removal polled to the end, access assignments, customers, terminate. */
static void test_gdap(void)
{
    char req[16384];
    fmt(req, sizeof req, "{%s,\"status\":\"active\",\"top\":7}", common);
    char *env = expect_ok(da_list_gdap_relationships, req, "da_list_gdap_relationships status active, top 7 (every page)");
    if (env) {
        report(js_len(js_get(env, "result.relationships")) == fx.gdap_active_count,
               "da_list_gdap_relationships status active, top 7 (every page)", "not every active relationship", env);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"id\":\"%s\"}", common, fx.gdap_extendable_id);
    env = expect_ok(da_get_gdap_relationship, req, "da_get_gdap_relationship returns the ETag");
    if (env) {
        char etag[512];
        report(js_str(js_get(env, "result.etag"), etag, sizeof etag) && strncmp(etag, "W/\"", 3) == 0 &&
                   js_str_eq(js_get(env, "result.relationship.status"), "active"),
               "da_get_gdap_relationship returns the ETag", "no W/ ETag or not active", env);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"id\":\"%s\",\"autoExtendDuration\":\"P180D\"}", common, fx.gdap_extendable_id);
    env = expect_ok(da_set_gdap_auto_extend, req, "da_set_gdap_auto_extend P180D");
    if (env) {
        report(js_str_eq(js_get(env, "result.relationship.autoExtendDuration"), "P180D") &&
                   js_num(js_get(env, "result.preconditionRetries")) == 0,
               "da_set_gdap_auto_extend P180D", "autoExtendDuration not P180D", env);
        da_string_free(env);
    }

    /* The relationship as read, passed back: P180D with Global Administrator is refused before any request. */
    fmt(req, sizeof req, "{%s,\"id\":\"%s\"}", common, fx.gdap_global_admin_id);
    env = expect_ok(da_get_gdap_relationship, req, "read the Global Administrator relationship");
    if (env) {
        const char *rel = js_get(env, "result.relationship");
        const char *end = rel ? js_skip(rel) : NULL;
        if (rel && end && end > rel) {
            long before = emulator_request_count();
            fmt(req, sizeof req, "{%s,\"relationship\":%.*s,\"autoExtendDuration\":\"P180D\"}", common,
                (int)(end - rel), rel);
            char *refused = call(da_set_gdap_auto_extend, req, "auto-extend with Global Administrator refused");
            report(envelope_kind(refused, "invalid_request") &&
                       js_str_eq(js_get(refused, "error.code"), "globalAdministratorNotExtendable") &&
                       emulator_request_count() == before,
                   "auto-extend with Global Administrator refused without a request",
                   "expected invalid_request, code globalAdministratorNotExtendable, nothing sent", refused);
            da_string_free(refused);
        } else {
            report(false, "read the Global Administrator relationship", "no result.relationship", env);
        }
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"id\":\"%s\",\"wait\":true}", common, fx.gdap_global_admin_id);
    env = expect_ok(da_remove_gdap_global_admin_role, req, "da_remove_gdap_global_admin_role wait=true");
    if (env) {
        report(js_str_eq(js_get(env, "result.status"), "removed") &&
                   js_str_eq(js_get(env, "result.operation.status"), "succeeded"),
               "da_remove_gdap_global_admin_role wait=true", "status is not removed/succeeded", env);
        da_string_free(env);
    }
    fmt(req, sizeof req, "{%s,\"id\":\"%s\",\"autoExtendDuration\":\"P180D\"}", common, fx.gdap_global_admin_id);
    env = expect_ok(da_set_gdap_auto_extend, req, "auto-extend after the Global Administrator removal");
    da_string_free(env);

    fmt(req, sizeof req, "{%s,\"id\":\"%s\"}", common, fx.gdap_extendable_id);
    env = expect_ok(da_list_gdap_access_assignments, req, "da_list_gdap_access_assignments");
    if (env) {
        report(js_len(js_get(env, "result.assignments")) >= 0, "da_list_gdap_access_assignments",
               "no assignments array", env);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"customerTenantId\":\"%s\",\"includeServiceManagementDetails\":true}", common,
        fx.gdap_customer_id);
    env = expect_ok(da_list_gdap_customers, req, "da_list_gdap_customers with serviceManagementDetails");
    if (env) {
        report(js_len(js_get(env, "result.customers")) == 1 &&
                   js_len(js_get(env, "result.customers.0.serviceManagementDetails")) == 4,
               "da_list_gdap_customers with serviceManagementDetails", "expected one customer with 4 details", env);
        da_string_free(env);
    }

    fmt(req, sizeof req, "{%s,\"id\":\"%s\",\"wait\":true}", common, fx.gdap_extendable_id);
    env = expect_ok(da_terminate_gdap_relationship, req, "da_terminate_gdap_relationship wait=true");
    if (env) {
        report(js_str_eq(js_get(env, "result.status"), "succeeded"), "da_terminate_gdap_relationship wait=true",
               "request status is not succeeded", env);
        da_string_free(env);
    }
    fmt(req, sizeof req, "{%s,\"id\":\"%s\"}", common, fx.gdap_expired_id);
    env = call(da_terminate_gdap_relationship, req, "terminate an expired relationship -> conflict");
    report(envelope_kind(env, "conflict") && js_num(js_get(env, "error.status")) == 409 &&
               js_str_eq(js_get(env, "error.code"), "notAllowed"),
           "terminate an expired relationship -> conflict (409 notAllowed)", "", env);
    da_string_free(env);
    fmt(req, sizeof req, "{%s,\"id\":\"3f2504e0-4f89-11d3-9a0c-0305e82c3301-3f2504e0-4f89-11d3-9a0c-0305e82c3301\"}",
        common);
    expect_kind(da_get_gdap_relationship, req, "not_found", "an unknown GDAP relationship -> not_found");
}

/* Errors the service answers. */
static void test_service_errors(void)
{
    char req[4096];
    fmt(req, sizeof req,
        "{\"endpoint\":\"%s\",\"authority\":\"%s\",\"auth\":{\"tenantId\":\"%s\",\"clientId\":\"%s\","
        "\"clientSecret\":\"wrong-%s\"},\"top\":1}",
        fx.url, fx.url, fx.tenant_id, fx.client_id, fx.client_secret);
    char *env = call(da_list_delegated_admin_customers, req, "wrong client secret -> unauthorized");
    report(envelope_kind(env, "unauthorized") && env && !strstr(env, "wrong-"), "wrong client secret -> unauthorized",
           "expected kind unauthorized and no secret in the envelope", env);
    da_string_free(env);
    fmt(req, sizeof req,
        "{\"authority\":\"%s\",\"auth\":{\"tenantId\":\"%s\",\"clientId\":\"%s\",\"clientSecret\":\"wrong-%s\"},"
        "\"resource\":\"https://management.azure.com\"}",
        fx.url, fx.tenant_id, fx.client_id, fx.client_secret);
    expect_kind(da_acquire_token, req, "unauthorized", "da_acquire_token wrong client secret -> unauthorized");

    fmt(req, sizeof req, "{%s,\"customerTenantId\":\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"}", common);
    expect_kind(da_remove_dap_relationship, req, "not_found", "remove DAP of an unknown customer -> not_found");

    fmt(req, sizeof req,
        "{%s,\"tenantDomain\":\"%s\",\"customerId\":\"%s\",\"relationshipId\":\"../x\",\"providerInstanceId\":\"%s\","
        "\"autoExtendEnabled\":true}",
        common, fx.tenant_domain, fx.rel_customer_id, fx.provider_instance_id);
    expect_kind(da_update_delegated_admin_relationship, req, "not_found",
                "relationshipId \"../x\" -> not_found from the service");
    bool x_path = false;
    bool encoded = emulator_saw_path("delegated-admin-relationships/%2E%2E%2Fx", &x_path) ||
                   emulator_saw_path("delegated-admin-relationships/%2e%2e%2Fx", NULL);
    check(encoded && !x_path, "relationshipId \"../x\" was sent percent-encoded, never as another path",
          "request log lacks the encoded segment or shows a path ending in /x");

    fmt(req, sizeof req, "{%s,\"scope\":\"/subscriptions/3f2504e0-4f89-11d3-9a0c-0305e82c3301\"}", common);
    env = call(da_list_lighthouse_assignments, req, "Lighthouse list of an unknown subscription -> error envelope");
    report(env && js_is(js_get(env, "ok"), "false") && js_num(js_get(env, "error.status")) >= 400,
           "Lighthouse list of an unknown subscription -> error envelope with the HTTP status", "", env);
    da_string_free(env);
}

int main(int argc, char **argv)
{
    /* Negative control for run.sh: leak one envelope on purpose, so that the leak checkers are shown to see
     * memory the library returns (valgrind must exit 99, LeakSanitizer non-zero). */
    const char *canary = arg_value(argc, argv, "canary");
    if (canary && strcmp(canary, "leak") == 0) {
        char *leaked = da_list_delegated_admin_customers(NULL);
        printf("canary: leaked one %zu-byte envelope on purpose\n", leaked ? strlen(leaked) + 1 : 0);
        leaked = NULL;
        return 0;
    }

    fx.url = arg_required(argc, argv, "url");
    fx.tenant_id = arg_required(argc, argv, "tenantId");
    fx.client_id = arg_required(argc, argv, "clientId");
    fx.client_secret = arg_required(argc, argv, "clientSecret");
    fx.tenant_domain = arg_required(argc, argv, "tenantDomain");
    fx.provider_instance_id = arg_required(argc, argv, "providerInstanceId");
    fx.customer_count = strtol(arg_required(argc, argv, "customerCount"), NULL, 10);
    fx.inactive_customer_id = arg_required(argc, argv, "inactiveCustomerId");
    fx.rel_customer_id = arg_required(argc, argv, "relCustomerId");
    fx.relationship_id = arg_required(argc, argv, "relationshipId");
    fx.subscription_id = arg_required(argc, argv, "subscriptionId");
    fx.resource_group = arg_required(argc, argv, "resourceGroup");
    fx.sub_assignments = strtol(arg_required(argc, argv, "subAssignments"), NULL, 10);
    fx.rg_assignments = strtol(arg_required(argc, argv, "rgAssignments"), NULL, 10);
    fx.delete_assignment_id = arg_required(argc, argv, "deleteAssignmentId");
    fx.delete_assignment_name = arg_required(argc, argv, "deleteAssignmentName");
    fx.gdap_active_count = strtol(arg_required(argc, argv, "gdapActiveCount"), NULL, 10);
    fx.gdap_extendable_id = arg_required(argc, argv, "gdapExtendableId");
    fx.gdap_global_admin_id = arg_required(argc, argv, "gdapGlobalAdminId");
    fx.gdap_expired_id = arg_required(argc, argv, "gdapExpiredId");
    fx.gdap_customer_id = arg_required(argc, argv, "gdapCustomerId");

    char secret[512];
    json_escape(fx.client_secret, secret, sizeof secret);
    fmt(common, sizeof common,
        "\"endpoint\":\"%s\",\"authority\":\"%s\",\"auth\":{\"tenantId\":\"%s\",\"clientId\":\"%s\","
        "\"clientSecret\":\"%s\"},\"timeoutSeconds\":60",
        fx.url, fx.url, fx.tenant_id, fx.client_id, secret);

    printf("libdelegated_admin %s against %s\n", da_version(), fx.url);
    test_version_and_free();
    test_invalid_requests();
    test_tokens();
    test_device_code();
    test_list_customers();
    test_remove_dap();
    test_update_relationship();
    test_lighthouse();
    test_gdap();
    test_service_errors();

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
