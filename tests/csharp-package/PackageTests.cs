// xunit tests of the DelegatedAdmin.Native NuGet package, as a C# program uses it: the binding compiled for
// netstandard2.0 and the native library from the package's runtimes/<rid>/native folder, against the emulator over
// loopback HTTP. The source file is not compiled in here: the project references the package only.

using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using DelegatedAdmin.Interop;
using Xunit;

namespace DelegatedAdmin.Native.Tests;

/// <summary>One emulator for the whole test class, on a free loopback port.</summary>
public sealed class EmulatorFixture : IDisposable
{
    private readonly Process process;

    public EmulatorFixture()
    {
        string path = Environment.GetEnvironmentVariable("DELEGATED_ADMIN_TEST_EMULATOR")
            ?? throw new InvalidOperationException("DELEGATED_ADMIN_TEST_EMULATOR must name the da-emulator executable (tests/csharp-package/run.sh sets it)");
        var start = new ProcessStartInfo(path, "--port 0 --customers 350 --seed 9")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        process = Process.Start(start) ?? throw new InvalidOperationException("the emulator did not start");
        string line = process.StandardOutput.ReadLine() ?? "";
        const string prefix = "listening on ";
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the emulator printed '{line}'");
        }
        Url = line.Substring(prefix.Length).Trim().TrimEnd('/');
        using var http = new HttpClient();
        Fixtures = JsonNode.Parse(http.GetStringAsync(Url + "/_emulator/fixtures").Result)!.AsObject();
    }

    public string Url { get; }

    public JsonObject Fixtures { get; }

    public string Get(string path)
    {
        using var http = new HttpClient();
        return http.GetStringAsync(Url + path).Result;
    }

    /// <summary>A request with the emulator's endpoint, authority and client credentials, plus <paramref name="extra"/>.</summary>
    public string Request(object extra)
    {
        var request = new JsonObject
        {
            ["endpoint"] = Url,
            ["authority"] = Url,
            ["auth"] = new JsonObject
            {
                ["tenantId"] = Fixtures["tenantId"]!.GetValue<string>(),
                ["clientId"] = Fixtures["clientId"]!.GetValue<string>(),
                ["clientSecret"] = Fixtures["clientSecret"]!.GetValue<string>(),
            },
            ["timeoutSeconds"] = 30,
        };
        foreach (var pair in JsonSerializer.SerializeToNode(extra)!.AsObject())
        {
            request[pair.Key] = pair.Value?.DeepClone();
        }
        return request.ToJsonString();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(5000);
        }
        process.Dispose();
    }
}

public sealed class PackageTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture emulator;

    public PackageTests(EmulatorFixture emulator)
    {
        this.emulator = emulator;
    }

    private static JsonObject Ok(string envelope)
    {
        var parsed = JsonNode.Parse(envelope)!.AsObject();
        Assert.True(parsed["ok"]!.GetValue<bool>(), envelope);
        Assert.Matches("^[0-9a-f-]{36}$", parsed["correlationId"]!.GetValue<string>());
        return parsed["result"]!.AsObject();
    }

    private static JsonObject Error(string envelope)
    {
        var parsed = JsonNode.Parse(envelope)!.AsObject();
        Assert.False(parsed["ok"]!.GetValue<bool>(), envelope);
        return parsed["error"]!.AsObject();
    }

    private static string PackageVersion()
    {
        return typeof(PackageTests).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "DelegatedAdminVersion").Value!;
    }

    [Fact]
    public void The_binding_comes_from_the_package_for_netstandard20()
    {
        Assembly binding = typeof(DelegatedAdminNative).Assembly;
        Assert.Equal("DelegatedAdmin.Native", binding.GetName().Name);
        Assert.Equal(PackageVersion(), binding.GetName().Version!.ToString(3));
        var framework = binding.GetCustomAttribute<System.Runtime.Versioning.TargetFrameworkAttribute>();
        Assert.Equal(".NETStandard,Version=v2.0", framework!.FrameworkName);
        // Beside the test, copied from the package: not compiled from source into this assembly.
        Assert.Equal(AppContext.BaseDirectory, Path.GetDirectoryName(binding.Location) + Path.DirectorySeparatorChar);
        Assert.NotSame(typeof(PackageTests).Assembly, binding);
    }

    [Fact]
    public void The_native_library_is_the_packages_own_from_runtimes_rid_native()
    {
        Assert.Equal(PackageVersion(), DelegatedAdminNative.Version());
        Assert.Equal("delegated_admin", DelegatedAdminNative.LibraryPath);
        string rid = (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" +
            System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string file = OperatingSystem.IsWindows() ? "delegated_admin.dll" : OperatingSystem.IsMacOS() ? "libdelegated_admin.dylib" : "libdelegated_admin.so";
        string expected = Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", file);
        Assert.True(File.Exists(expected), expected);
        if (OperatingSystem.IsLinux())
        {
            // What the process really mapped: the package's copy, nothing else.
            var mapped = File.ReadAllLines("/proc/self/maps")
                .Where(l => l.Contains("libdelegated_admin", StringComparison.Ordinal))
                .Select(l => l.Substring(l.IndexOf('/')))
                .Distinct()
                .ToList();
            Assert.Equal(new[] { expected }, mapped);
        }
    }

    [Fact]
    public void Lists_every_customer_across_pages()
    {
        var result = Ok(DelegatedAdminNative.ListDelegatedAdminCustomers(emulator.Request(new { allPages = true, count = true })));
        var customers = result["customers"]!.AsArray();
        Assert.Equal(emulator.Fixtures["customerCount"]!.GetValue<int>(), customers.Count);
        Assert.Equal(customers.Count, result["count"]!.GetValue<int>());
        Assert.Equal(customers.Count, customers.Select(c => c!["customerTenantId"]!.GetValue<string>()).Distinct().Count());
        // Non-ASCII names arrive intact through the UTF-8 copy.
        Assert.Contains(customers, c => c!["organizationDisplayName"]!.GetValue<string>().Any(ch => ch > 127));
    }

    [Fact]
    public void MaxResults_returns_the_first_customers_only()
    {
        var result = Ok(DelegatedAdminNative.Invoke("list_delegated_admin_customers", emulator.Request(new { allPages = true, maxResults = 5 })));
        Assert.Equal(5, result["customers"]!.AsArray().Count);
    }

    [Fact]
    public void Removes_a_dap_relationship_and_says_so()
    {
        string id = emulator.Fixtures["inactiveDapCustomerIds"]![0]!.GetValue<string>();
        var result = Ok(DelegatedAdminNative.RemoveDapRelationship(emulator.Request(new { customerTenantId = id })));
        Assert.Equal(id, result["customerTenantId"]!.GetValue<string>());
        Assert.False(result["allowDelegatedAccess"]!.GetValue<bool>());
        var customer = JsonNode.Parse(emulator.Get("/_emulator/customers/" + id))!;
        Assert.False(customer["dapEnabled"]!.GetValue<bool>());
    }

    [Fact]
    public void Bad_input_is_an_error_envelope_before_anything_is_sent()
    {
        var error = Error(DelegatedAdminNative.RemoveDapRelationship(emulator.Request(new { customerTenantId = "not-a-guid" })));
        Assert.Equal("invalid_request", error["kind"]!.GetValue<string>());
        Assert.Equal("invalid_request", Error(DelegatedAdminNative.InvokeRaw("da_list_delegated_admin_customers", null!))["kind"]!.GetValue<string>());
        Assert.Equal("invalid_request", Error(DelegatedAdminNative.InvokeRaw("da_list_delegated_admin_customers", new byte[] { 0xff, 0xfe, 0 }))["kind"]!.GetValue<string>());
        Assert.Equal("invalid_request", Error(DelegatedAdminNative.ListDelegatedAdminCustomers("{not json"))["kind"]!.GetValue<string>());
        Assert.Throws<ArgumentException>(() => DelegatedAdminNative.Invoke("da_launch_rockets", "{}"));
    }

    [Fact]
    public void A_wrong_secret_is_unauthorized_and_never_echoed()
    {
        string request = emulator.Request(new { }).Replace(emulator.Fixtures["clientSecret"]!.GetValue<string>(), "wrong-secret-1234567890", StringComparison.Ordinal);
        string envelope = DelegatedAdminNative.ListDelegatedAdminCustomers(request);
        Assert.Equal("unauthorized", Error(envelope)["kind"]!.GetValue<string>());
        Assert.DoesNotContain("wrong-secret-1234567890", envelope, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listing_job_reports_progress_and_its_result()
    {
        string jobId = Ok(DelegatedAdminNative.JobStart(emulator.Request(new { operation = "listCustomers", allPages = true })))["jobId"]!.GetValue<string>();
        var poll = new JsonObject { ["jobId"] = jobId }.ToJsonString();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonObject status;
        do
        {
            status = Ok(DelegatedAdminNative.JobPoll(poll));
            Assert.True(DateTime.UtcNow < deadline, status.ToJsonString());
            Thread.Sleep(20);
        }
        while (status["state"]!.GetValue<string>() == "running");
        Assert.Equal("succeeded", status["state"]!.GetValue<string>());
        Assert.Equal(emulator.Fixtures["customerCount"]!.GetValue<int>(), status["progress"]!["customersListed"]!.GetValue<int>());
        var result = Ok(DelegatedAdminNative.JobResult(poll));
        Assert.Equal(emulator.Fixtures["customerCount"]!.GetValue<int>(), result["customers"]!.AsArray().Count);
        Assert.True(Ok(DelegatedAdminNative.JobFree(poll))["freed"]!.GetValue<bool>());
        Assert.Equal("not_found", Error(DelegatedAdminNative.JobPoll(poll))["kind"]!.GetValue<string>());
    }

    [Fact]
    public void Many_threads_at_once()
    {
        var counts = new int[8];
        Parallel.For(0, counts.Length, i =>
        {
            var result = Ok(DelegatedAdminNative.ListDelegatedAdminCustomers(emulator.Request(new { top = i + 1 })));
            counts[i] = result["customers"]!.AsArray().Count;
        });
        Assert.Equal(Enumerable.Range(1, counts.Length), counts);
    }

    [Fact]
    public void UseLibrary_refuses_relative_and_missing_paths_without_binding_anything()
    {
        Assert.Throws<ArgumentException>(() => DelegatedAdminNative.UseLibrary("relative/libdelegated_admin.so"));
        Assert.Throws<FileNotFoundException>(() => DelegatedAdminNative.UseLibrary(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString(), "missing.so")));
        // Neither refusal bound anything: the calls still go to the package's library.
        Assert.Equal("delegated_admin", DelegatedAdminNative.LibraryPath);
        Assert.Equal(PackageVersion(), DelegatedAdminNative.Version());
    }
}
