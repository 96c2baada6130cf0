using BuildSign.Testing;

namespace BuildSign.Action.Tests;

/// <summary>Unsigned PE files (signature stripped by osslsigncode), made once per test process; tests copy them.</summary>
public static class UnsignedPe
{
    private static readonly TempDirectory Folder = new("buildsign-action-pe");
    private static readonly Lazy<string> Pe32Path = new(() => TestPeFiles.Unsigned(Folder, TestPeFiles.Pe32));
    private static readonly Lazy<string> Pe32PlusPath = new(() => TestPeFiles.Unsigned(Folder, TestPeFiles.Pe32Plus));

    public static string Pe32 => Pe32Path.Value;

    public static string Pe32Plus => Pe32PlusPath.Value;
}
