// DelegatedAdmin.Native.cs: the P/Invoke binding of the delegated_admin native library (docs/api.md).
//
// One file, framework-only (System and System.Runtime.InteropServices), C# 5 syntax, so that:
//   * Windows PowerShell 5.1's Add-Type (CodeDom, C# 5) and PowerShell 7's Add-Type (Roslyn) compile it;
//   * a C# program compiles the very same file (mcs, csc, dotnet) beside its own code;
//   * it never conflicts with the Microsoft.Graph or Az modules' assemblies loaded in the same session.
//
// Functions: those of include/delegated_admin.h (docs/api.md): the ten of the core C ABI, plus the DAP cleanup
// plan/apply and the job interface (start, poll, cancel, result, free) for long-running calls.
//
// Memory: every da_* function except da_version returns a char* owned by the caller. It is declared as IntPtr
// (never string, so .NET's marshaller never frees Rust memory with the wrong allocator), copied as UTF-8 up to
// its NUL, and freed exactly once with da_string_free in a finally block. da_version returns a static string
// that is never freed. Requests go in as UTF-8, NUL-terminated byte arrays; a null array passes a NULL pointer.
//
// Library name: DllImport needs a constant, "delegated_admin". By default the runtime finds
// libdelegated_admin.so / libdelegated_admin.dylib / delegated_admin.dll by name: .NET from the package's
// runtimes/<rid>/native/ folder (the DelegatedAdmin.Native NuGet package), or through LD_LIBRARY_PATH,
// DYLD_LIBRARY_PATH, PATH or the executable's folder. A host that keeps the library elsewhere (the PowerShell
// module: runtimes/<rid>/native/ beside the module) calls DelegatedAdminNative.UseLibrary(absolutePath) once
// before the first call: on .NET Core 3+ (PowerShell 7) it installs a DllImport resolver for this assembly that
// returns the library loaded from that path; on .NET Framework (Windows PowerShell 5.1) it loads the DLL by its
// path with LoadLibraryEx, and the DllImports below then bind to that loaded module by name.
//
// Threads: every method may be called from any number of threads at once; calls block until the operation ends.

using System;
using System.ComponentModel;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace DelegatedAdmin.Interop
{
    /// <summary>The raw C ABI. Use <see cref="DelegatedAdminNative"/> instead: it owns the memory rules.</summary>
    internal static class UnsafeNativeMethods
    {
        internal const string LibraryName = "delegated_admin";

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_version();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_acquire_token(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_start_device_code(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_poll_device_code(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_list_delegated_admin_customers(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_remove_dap_relationship(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_update_delegated_admin_relationship(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_list_lighthouse_assignments(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_remove_lighthouse_assignment(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_plan_dap_cleanup(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_apply_dap_cleanup(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_job_start(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_job_poll(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_job_cancel(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_job_result(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_job_free(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_start_interactive_sign_in(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_poll_interactive_sign_in(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_cancel_interactive_sign_in(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_check_readiness(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_list_gdap_relationships(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_get_gdap_relationship(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_set_gdap_auto_extend(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_remove_gdap_global_admin_role(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_terminate_gdap_relationship(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_list_gdap_access_assignments(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_list_gdap_customers(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_plan(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_apply(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr da_access_ledger(byte[] requestJson);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void da_string_free(IntPtr s);
    }

    /// <summary>Windows only: loading a DLL by its path on .NET Framework, which has no NativeLibrary.</summary>
    internal static class WindowsLoader
    {
        /// <summary>Search the DLL's own folder for its dependencies.</summary>
        internal const uint LOAD_WITH_ALTERED_SEARCH_PATH = 0x00000008;

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
        internal static extern IntPtr LoadLibraryExW(string lpLibFileName, IntPtr hFile, uint dwFlags);
    }

    internal delegate IntPtr NativeJsonFunction(byte[] requestJson);

    /// <summary>
    /// Safe entry points: JSON text in, JSON envelope text out
    /// (<c>{"ok":true,"result":{...},"correlationId":"..."}</c> or <c>{"ok":false,"error":{...}}</c>).
    /// </summary>
    public static class DelegatedAdminNative
    {
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);
        private static readonly UTF8Encoding LenientUtf8 = new UTF8Encoding(false, false);

        private static readonly object LoadLock = new object();
        private static string loadedPath;
        private static IntPtr loadedHandle = IntPtr.Zero;

        /// <summary>
        /// The library the calls go to: the absolute path given to <see cref="UseLibrary"/>, or the bare name
        /// "delegated_admin" that the runtime resolves (or an absolute path compiled in with Add-Type).
        /// </summary>
        public static string LibraryPath
        {
            get
            {
                lock (LoadLock)
                {
                    return loadedPath != null ? loadedPath : UnsafeNativeMethods.LibraryName;
                }
            }
        }

        /// <summary>
        /// Makes every call of this type go to the library at <paramref name="absolutePath"/>; call it once,
        /// before the first call. Calling it again with the same path does nothing; with another path it throws
        /// <see cref="InvalidOperationException"/> (a loaded library cannot be swapped in a running process).
        /// A file that exists but cannot be loaded throws <see cref="DllNotFoundException"/> or
        /// <see cref="BadImageFormatException"/> with the loader's reason (a missing dependency, another
        /// architecture). Thread-safe.
        /// </summary>
        public static void UseLibrary(string absolutePath)
        {
            if (absolutePath == null)
            {
                throw new ArgumentNullException("absolutePath");
            }
            if (!Path.IsPathRooted(absolutePath))
            {
                throw new ArgumentException("The library path must be absolute: '" + absolutePath + "'.", "absolutePath");
            }
            lock (LoadLock)
            {
                if (loadedPath != null)
                {
                    if (string.Equals(loadedPath, absolutePath, StringComparison.Ordinal))
                    {
                        return;
                    }
                    throw new InvalidOperationException("The delegated_admin library is already loaded from '" + loadedPath + "' in this process; '" + absolutePath + "' cannot be used as well. Start a new process to use another library.");
                }
                if (!File.Exists(absolutePath))
                {
                    throw new FileNotFoundException("The delegated_admin library does not exist at '" + absolutePath + "'.", absolutePath);
                }
                Type nativeLibrary = Type.GetType("System.Runtime.InteropServices.NativeLibrary", false);
                if (nativeLibrary != null)
                {
                    LoadWithNativeLibrary(nativeLibrary, absolutePath);
                }
                else if (Environment.OSVersion.Platform == PlatformID.Win32NT)
                {
                    IntPtr handle = WindowsLoader.LoadLibraryExW(absolutePath, IntPtr.Zero, WindowsLoader.LOAD_WITH_ALTERED_SEARCH_PATH);
                    if (handle == IntPtr.Zero)
                    {
                        int code = Marshal.GetLastWin32Error();
                        string reason = new Win32Exception(code).Message;
                        if (code == 193)
                        {
                            throw new BadImageFormatException("'" + absolutePath + "' is not a library for this process architecture: " + reason, absolutePath);
                        }
                        throw new DllNotFoundException("'" + absolutePath + "' exists but could not be loaded (Windows error " + code + ": " + reason + ").");
                    }
                    loadedHandle = handle;
                }
                else
                {
                    throw new PlatformNotSupportedException("This runtime has no NativeLibrary (Mono?): put the library's folder on LD_LIBRARY_PATH or DYLD_LIBRARY_PATH instead of calling UseLibrary.");
                }
                loadedPath = absolutePath;
            }
        }

        /// <summary>.NET Core 3+: NativeLibrary.Load, and a DllImport resolver for this assembly (by reflection,
        /// so that the same source still compiles for .NET Framework and netstandard2.0).</summary>
        private static void LoadWithNativeLibrary(Type nativeLibrary, string absolutePath)
        {
            MethodInfo load = nativeLibrary.GetMethod("Load", new Type[] { typeof(string) });
            MethodInfo setResolver = null;
            foreach (MethodInfo method in nativeLibrary.GetMethods(BindingFlags.Public | BindingFlags.Static))
            {
                if (method.Name == "SetDllImportResolver" && method.GetParameters().Length == 2)
                {
                    setResolver = method;
                }
            }
            if (load == null || setResolver == null)
            {
                throw new PlatformNotSupportedException("System.Runtime.InteropServices.NativeLibrary lacks Load or SetDllImportResolver.");
            }
            IntPtr handle;
            try
            {
                handle = (IntPtr)load.Invoke(null, new object[] { absolutePath });
            }
            catch (TargetInvocationException e)
            {
                if (e.InnerException != null)
                {
                    throw Rethrowable(e.InnerException);
                }
                throw;
            }
            // The handle first: the resolver may run on another thread as soon as it is installed.
            loadedHandle = handle;
            Type resolverType = setResolver.GetParameters()[1].ParameterType;
            MethodInfo resolve = typeof(DelegatedAdminNative).GetMethod("ResolveImport", BindingFlags.NonPublic | BindingFlags.Static);
            Delegate resolver = Delegate.CreateDelegate(resolverType, resolve);
            try
            {
                setResolver.Invoke(null, new object[] { typeof(DelegatedAdminNative).Assembly, resolver });
            }
            catch (TargetInvocationException e)
            {
                if (e.InnerException != null)
                {
                    throw Rethrowable(e.InnerException);
                }
                throw;
            }
        }

        private static Exception Rethrowable(Exception inner)
        {
            if (inner is DllNotFoundException || inner is BadImageFormatException || inner is InvalidOperationException)
            {
                return inner;
            }
            return new DllNotFoundException(inner.Message, inner);
        }

        /// <summary>The DllImport resolver: "delegated_admin" is the library UseLibrary loaded.</summary>
        private static IntPtr ResolveImport(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (string.Equals(libraryName, UnsafeNativeMethods.LibraryName, StringComparison.Ordinal))
            {
                return loadedHandle;
            }
            return IntPtr.Zero;
        }

        /// <summary>The names of the JSON functions <see cref="Invoke"/> accepts.</summary>
        public static string[] FunctionNames
        {
            get
            {
                return new string[]
                {
                    "da_acquire_token",
                    "da_start_device_code",
                    "da_poll_device_code",
                    "da_list_delegated_admin_customers",
                    "da_remove_dap_relationship",
                    "da_update_delegated_admin_relationship",
                    "da_list_lighthouse_assignments",
                    "da_remove_lighthouse_assignment",
                    "da_plan_dap_cleanup",
                    "da_apply_dap_cleanup",
                    "da_job_start",
                    "da_job_poll",
                    "da_job_cancel",
                    "da_job_result",
                    "da_job_free",
                    "da_start_interactive_sign_in",
                    "da_poll_interactive_sign_in",
                    "da_cancel_interactive_sign_in",
                    "da_check_readiness",
                    "da_list_gdap_relationships",
                    "da_get_gdap_relationship",
                    "da_set_gdap_auto_extend",
                    "da_remove_gdap_global_admin_role",
                    "da_terminate_gdap_relationship",
                    "da_list_gdap_access_assignments",
                    "da_list_gdap_customers",
                    "da_plan",
                    "da_apply",
                    "da_access_ledger"
                };
            }
        }

        /// <summary>The library's version (da_version). The returned static string is not freed.</summary>
        public static string Version()
        {
            IntPtr p = UnsafeNativeMethods.da_version();
            return CopyUtf8(p);
        }

        /// <summary>
        /// Calls the native function <paramref name="functionName"/> (with or without its "da_" prefix) with
        /// <paramref name="requestJson"/> and returns the envelope. A null request passes a NULL pointer.
        /// </summary>
        public static string Invoke(string functionName, string requestJson)
        {
            return Call(Resolve(functionName), requestJson);
        }

        /// <summary>Calls <paramref name="functionName"/> with raw bytes (tests: invalid UTF-8, NULL). The array should end with a 0 byte.</summary>
        public static string InvokeRaw(string functionName, byte[] requestBytes)
        {
            return CallRaw(Resolve(functionName), requestBytes);
        }

        public static string AcquireToken(string requestJson) { return Call(UnsafeNativeMethods.da_acquire_token, requestJson); }

        public static string StartDeviceCode(string requestJson) { return Call(UnsafeNativeMethods.da_start_device_code, requestJson); }

        public static string PollDeviceCode(string requestJson) { return Call(UnsafeNativeMethods.da_poll_device_code, requestJson); }

        public static string ListDelegatedAdminCustomers(string requestJson) { return Call(UnsafeNativeMethods.da_list_delegated_admin_customers, requestJson); }

        public static string RemoveDapRelationship(string requestJson) { return Call(UnsafeNativeMethods.da_remove_dap_relationship, requestJson); }

        public static string UpdateDelegatedAdminRelationship(string requestJson) { return Call(UnsafeNativeMethods.da_update_delegated_admin_relationship, requestJson); }

        public static string ListLighthouseAssignments(string requestJson) { return Call(UnsafeNativeMethods.da_list_lighthouse_assignments, requestJson); }

        public static string RemoveLighthouseAssignment(string requestJson) { return Call(UnsafeNativeMethods.da_remove_lighthouse_assignment, requestJson); }

        /// <summary>Plans a DAP cleanup (blocking). For progress and cancellation use <see cref="JobStart"/> with "operation": "planDapCleanup".</summary>
        public static string PlanDapCleanup(string requestJson) { return Call(UnsafeNativeMethods.da_plan_dap_cleanup, requestJson); }

        /// <summary>Applies a DAP cleanup plan (blocking). For progress and cancellation use <see cref="JobStart"/> with "operation": "applyDapCleanup".</summary>
        public static string ApplyDapCleanup(string requestJson) { return Call(UnsafeNativeMethods.da_apply_dap_cleanup, requestJson); }

        /// <summary>Starts a long-running operation as a job and returns {"jobId"} at once; nothing is ever called back.</summary>
        public static string JobStart(string requestJson) { return Call(UnsafeNativeMethods.da_job_start, requestJson); }

        /// <summary>A job's state, progress and the events since the last poll.</summary>
        public static string JobPoll(string requestJson) { return Call(UnsafeNativeMethods.da_job_poll, requestJson); }

        /// <summary>Asks a job to stop.</summary>
        public static string JobCancel(string requestJson) { return Call(UnsafeNativeMethods.da_job_cancel, requestJson); }

        /// <summary>A finished job's own envelope (optionally waiting "waitSeconds").</summary>
        public static string JobResult(string requestJson) { return Call(UnsafeNativeMethods.da_job_result, requestJson); }

        /// <summary>Releases a job (cancelling it if it still runs).</summary>
        public static string JobFree(string requestJson) { return Call(UnsafeNativeMethods.da_job_free, requestJson); }

        /// <summary>Starts an interactive browser sign-in (authorization code with PKCE): returns the URL to open and a session id to poll.</summary>
        public static string StartInteractiveSignIn(string requestJson) { return Call(UnsafeNativeMethods.da_start_interactive_sign_in, requestJson); }

        /// <summary>Polls an interactive sign-in (optionally waiting "waitSeconds"); its end carries the token.</summary>
        public static string PollInteractiveSignIn(string requestJson) { return Call(UnsafeNativeMethods.da_poll_interactive_sign_in, requestJson); }

        /// <summary>Cancels an interactive sign-in.</summary>
        public static string CancelInteractiveSignIn(string requestJson) { return Call(UnsafeNativeMethods.da_cancel_interactive_sign_in, requestJson); }

        /// <summary>Checks a credential against each service: token audience, expiry, MFA, a cheap read; never returns a token.</summary>
        public static string CheckReadiness(string requestJson) { return Call(UnsafeNativeMethods.da_check_readiness, requestJson); }

        /// <summary>Lists the partner's GDAP relationships (Microsoft Graph), optionally filtered by status, customer or end date.</summary>
        public static string ListGdapRelationships(string requestJson) { return Call(UnsafeNativeMethods.da_list_gdap_relationships, requestJson); }

        /// <summary>Reads one GDAP relationship by id.</summary>
        public static string GetGdapRelationship(string requestJson) { return Call(UnsafeNativeMethods.da_get_gdap_relationship, requestJson); }

        /// <summary>Turns a GDAP relationship's auto-extend on (P180D) or off (PT0S).</summary>
        public static string SetGdapAutoExtend(string requestJson) { return Call(UnsafeNativeMethods.da_set_gdap_auto_extend, requestJson); }

        /// <summary>Removes Global Administrator from a GDAP relationship's roles (reads it first; ETag-guarded).</summary>
        public static string RemoveGdapGlobalAdminRole(string requestJson) { return Call(UnsafeNativeMethods.da_remove_gdap_global_admin_role, requestJson); }

        /// <summary>Terminates a GDAP relationship (a lifecycle request; irreversible).</summary>
        public static string TerminateGdapRelationship(string requestJson) { return Call(UnsafeNativeMethods.da_terminate_gdap_relationship, requestJson); }

        /// <summary>Lists a GDAP relationship's access assignments (security groups and their roles).</summary>
        public static string ListGdapAccessAssignments(string requestJson) { return Call(UnsafeNativeMethods.da_list_gdap_access_assignments, requestJson); }

        /// <summary>Lists the customers the partner holds GDAP over.</summary>
        public static string ListGdapCustomers(string requestJson) { return Call(UnsafeNativeMethods.da_list_gdap_customers, requestJson); }

        /// <summary>Plans any action of the engine (removeDap, gdapLifecycle, removeLighthouseAssignment): every target with its decision and reason.</summary>
        public static string Plan(string requestJson) { return Call(UnsafeNativeMethods.da_plan, requestJson); }

        /// <summary>Applies a plan of any action, journaled and resumable; the report of every target.</summary>
        public static string Apply(string requestJson) { return Call(UnsafeNativeMethods.da_apply, requestJson); }

        /// <summary>Builds the access ledger: per customer its DAP, GDAP and Lighthouse access paths and their risks, as JSON, CSV or a self-contained HTML page (blocking; for progress and cancellation use <see cref="JobStart"/> with "operation": "accessLedger").</summary>
        public static string AccessLedger(string requestJson) { return Call(UnsafeNativeMethods.da_access_ledger, requestJson); }

        /// <summary>UTF-8 bytes of <paramref name="s"/> followed by one NUL; null gives null (a NULL pointer).</summary>
        public static byte[] ToUtf8NulTerminated(string s)
        {
            if (s == null)
            {
                return null;
            }
            if (s.IndexOf('\0') >= 0)
            {
                throw new ArgumentException("The request contains a NUL character, which a C string cannot carry; JSON escapes it as \\u0000.", "s");
            }
            // Strict: a lone UTF-16 surrogate throws instead of being silently replaced.
            int length = StrictUtf8.GetByteCount(s);
            byte[] bytes = new byte[length + 1];
            StrictUtf8.GetBytes(s, 0, s.Length, bytes, 0);
            bytes[length] = 0;
            return bytes;
        }

        private static NativeJsonFunction Resolve(string functionName)
        {
            if (functionName == null)
            {
                throw new ArgumentNullException("functionName");
            }
            string name = functionName.StartsWith("da_", StringComparison.Ordinal) ? functionName : "da_" + functionName;
            switch (name)
            {
                case "da_acquire_token": return UnsafeNativeMethods.da_acquire_token;
                case "da_start_device_code": return UnsafeNativeMethods.da_start_device_code;
                case "da_poll_device_code": return UnsafeNativeMethods.da_poll_device_code;
                case "da_list_delegated_admin_customers": return UnsafeNativeMethods.da_list_delegated_admin_customers;
                case "da_remove_dap_relationship": return UnsafeNativeMethods.da_remove_dap_relationship;
                case "da_update_delegated_admin_relationship": return UnsafeNativeMethods.da_update_delegated_admin_relationship;
                case "da_list_lighthouse_assignments": return UnsafeNativeMethods.da_list_lighthouse_assignments;
                case "da_remove_lighthouse_assignment": return UnsafeNativeMethods.da_remove_lighthouse_assignment;
                case "da_plan_dap_cleanup": return UnsafeNativeMethods.da_plan_dap_cleanup;
                case "da_apply_dap_cleanup": return UnsafeNativeMethods.da_apply_dap_cleanup;
                case "da_job_start": return UnsafeNativeMethods.da_job_start;
                case "da_job_poll": return UnsafeNativeMethods.da_job_poll;
                case "da_job_cancel": return UnsafeNativeMethods.da_job_cancel;
                case "da_job_result": return UnsafeNativeMethods.da_job_result;
                case "da_job_free": return UnsafeNativeMethods.da_job_free;
                case "da_start_interactive_sign_in": return UnsafeNativeMethods.da_start_interactive_sign_in;
                case "da_poll_interactive_sign_in": return UnsafeNativeMethods.da_poll_interactive_sign_in;
                case "da_cancel_interactive_sign_in": return UnsafeNativeMethods.da_cancel_interactive_sign_in;
                case "da_check_readiness": return UnsafeNativeMethods.da_check_readiness;
                case "da_list_gdap_relationships": return UnsafeNativeMethods.da_list_gdap_relationships;
                case "da_get_gdap_relationship": return UnsafeNativeMethods.da_get_gdap_relationship;
                case "da_set_gdap_auto_extend": return UnsafeNativeMethods.da_set_gdap_auto_extend;
                case "da_remove_gdap_global_admin_role": return UnsafeNativeMethods.da_remove_gdap_global_admin_role;
                case "da_terminate_gdap_relationship": return UnsafeNativeMethods.da_terminate_gdap_relationship;
                case "da_list_gdap_access_assignments": return UnsafeNativeMethods.da_list_gdap_access_assignments;
                case "da_list_gdap_customers": return UnsafeNativeMethods.da_list_gdap_customers;
                case "da_plan": return UnsafeNativeMethods.da_plan;
                case "da_apply": return UnsafeNativeMethods.da_apply;
                case "da_access_ledger": return UnsafeNativeMethods.da_access_ledger;
                default:
                    throw new ArgumentException("Unknown native function '" + functionName + "'. Known: " + string.Join(", ", FunctionNames) + ".", "functionName");
            }
        }

        private static string Call(NativeJsonFunction function, string requestJson)
        {
            return CallRaw(function, ToUtf8NulTerminated(requestJson));
        }

        private static string CallRaw(NativeJsonFunction function, byte[] requestBytes)
        {
            IntPtr result = IntPtr.Zero;
            try
            {
                result = function(requestBytes);
                if (result == IntPtr.Zero)
                {
                    // The contract says never NULL; report it instead of crashing the host.
                    return "{\"ok\":false,\"error\":{\"kind\":\"internal\",\"message\":\"the native library returned NULL\",\"status\":null,\"code\":null,\"correlationId\":null,\"requestId\":null,\"retryAfterSeconds\":null}}";
                }
                return CopyUtf8(result);
            }
            finally
            {
                if (result != IntPtr.Zero)
                {
                    UnsafeNativeMethods.da_string_free(result);
                }
            }
        }

        /// <summary>Copies a NUL-terminated UTF-8 C string (without freeing it).</summary>
        private static string CopyUtf8(IntPtr p)
        {
            if (p == IntPtr.Zero)
            {
                return null;
            }
            int length = 0;
            while (Marshal.ReadByte(p, length) != 0)
            {
                length++;
            }
            if (length == 0)
            {
                return string.Empty;
            }
            byte[] bytes = new byte[length];
            Marshal.Copy(p, bytes, 0, length);
            return LenientUtf8.GetString(bytes);
        }
    }

    /// <summary>
    /// A failed call's error envelope as an exception: the PowerShell module throws it inside its ErrorRecords,
    /// and C# programs may throw it too. Every property mirrors a field of the envelope's "error" object.
    /// </summary>
    public class DelegatedAdminException : Exception
    {
        private readonly string kind;
        private readonly int? status;
        private readonly string code;
        private readonly string correlationId;
        private readonly string requestId;
        private readonly int? retryAfterSeconds;
        private readonly string serviceMessage;

        public DelegatedAdminException(string message, string kind, int? status, string code, string correlationId, string requestId, int? retryAfterSeconds, string serviceMessage)
            : base(message)
        {
            this.kind = kind;
            this.status = status;
            this.code = code;
            this.correlationId = correlationId;
            this.requestId = requestId;
            this.retryAfterSeconds = retryAfterSeconds;
            this.serviceMessage = serviceMessage;
        }

        /// <summary>invalid_request, unauthorized, forbidden, not_found, conflict, throttled, server_error, network, timeout, io or internal.</summary>
        public string Kind { get { return kind; } }

        /// <summary>The HTTP status, when a response was received.</summary>
        public int? Status { get { return status; } }

        /// <summary>The service's own error code, when it sent one.</summary>
        public string Code { get { return code; } }

        public string CorrelationId { get { return correlationId; } }

        public string RequestId { get { return requestId; } }

        public int? RetryAfterSeconds { get { return retryAfterSeconds; } }

        /// <summary>The error's message field as the library returned it.</summary>
        public string ServiceMessage { get { return serviceMessage; } }
    }
}
