namespace BuildSign.Server;

/// <summary>A configuration or data-folder problem, told to the operator in one line.</summary>
public sealed class ServiceConfigurationException(string message) : Exception(message);
