namespace BuildSign.MSBuild;

/// <summary>A BuildSign property whose value cannot be used; the message names the property and the value.</summary>
internal sealed class InvalidPropertyException(string message) : Exception(message);
