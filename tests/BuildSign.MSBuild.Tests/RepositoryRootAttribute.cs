namespace BuildSign.MSBuild.Tests;

/// <summary>Where the repository is (written at build time), so the fixture can pack src/BuildSign.MSBuild.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class RepositoryRootAttribute(string path) : Attribute
{
    public string Path { get; } = path;
}

/// <summary>The configuration the tests were built in; the package is packed from that build.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class BuildConfigurationAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
