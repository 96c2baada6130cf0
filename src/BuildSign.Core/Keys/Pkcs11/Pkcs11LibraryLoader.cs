using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>
/// Loads PKCS#11 modules through Pkcs11Interop. On Linux, Pkcs11Interop 5.3 asks for a library
/// named <c>libdl</c>, which current glibc no longer ships under that name; the resolver installed
/// here maps it to <c>libdl.so.2</c>, or to <c>libc.so.6</c> where dlopen lives now.
/// </summary>
public static class Pkcs11LibraryLoader
{
    private static readonly Lazy<bool> ResolverInstalled = new(InstallResolver);

    /// <summary>Installs the <c>libdl</c> mapping once per process; later calls do nothing.</summary>
    public static void EnsureResolverInstalled() => _ = ResolverInstalled.Value;

    /// <summary>Loads and initializes a module; throws <see cref="SigningException"/> naming the module when it does not load.</summary>
    public static IPkcs11Library Load(Pkcs11InteropFactories factories, string modulePath)
    {
        ArgumentNullException.ThrowIfNull(factories);
        EnsureResolverInstalled();
        if (!File.Exists(modulePath))
        {
            throw new SigningException($"PKCS#11 module {modulePath} could not be loaded: the file does not exist");
        }
        try
        {
            return factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, modulePath, AppType.MultiThreaded);
        }
        catch (Pkcs11Exception ex)
        {
            throw new SigningException($"PKCS#11 module {modulePath} could not be initialized: {ex.RV}", ex);
        }
        catch (Exception ex) when (ex is UnmanagedException or DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            throw new SigningException($"PKCS#11 module {modulePath} could not be loaded: {OneLine(ex.Message)}", ex);
        }
    }

    private static bool InstallResolver()
    {
        if (OperatingSystem.IsLinux())
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, ResolveLibdl);
        }
        return true;
    }

    private static IntPtr ResolveLibdl(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != "libdl")
        {
            return IntPtr.Zero;
        }
        foreach (var candidate in (string[])["libdl.so.2", "libc.so.6"])
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                return handle;
            }
        }
        return IntPtr.Zero;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
