using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.NuGet;

/// <summary>
/// Shared by the NuGet tests: one real package made by <c>dotnet pack</c> from a tiny class
/// library, and the test root trusted by the SDK's NuGet for the duration of the run.
/// </summary>
public sealed class NuGetFixture : IDisposable
{
    private readonly PackedTestPackage _package = new("BuildSign.Sample", "1.2.3");

    /// <summary>The packed, unsigned package. Tests copy it; they never change it.</summary>
    public string UnsignedPackage => _package.Unsigned;

    internal DotnetCommand Dotnet => _package.Dotnet;

    public void Dispose() => _package.Dispose();
}

[CollectionDefinition(Name)]
public sealed class NuGetCollection : ICollectionFixture<NuGetFixture>
{
    public const string Name = "NuGet packages";
}
