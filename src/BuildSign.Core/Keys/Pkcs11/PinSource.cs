using System.Text;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>
/// Where a token PIN is read from: an environment variable (<c>env:NAME</c>) or a file
/// (<c>file:PATH</c>). Errors name the source, never the value.
/// </summary>
public sealed class PinSource
{
    private PinSource(string? environmentVariable, string? filePath)
    {
        EnvironmentVariable = environmentVariable;
        FilePath = filePath;
    }

    /// <summary>The environment variable holding the PIN, when the PIN comes from one.</summary>
    public string? EnvironmentVariable { get; }

    /// <summary>The file holding the PIN, when the PIN comes from one.</summary>
    public string? FilePath { get; }

    /// <summary>A PIN held in an environment variable.</summary>
    public static PinSource FromEnvironment(string name) => new(name, null);

    /// <summary>A PIN held in a file.</summary>
    public static PinSource FromFile(string path) => new(null, path);

    /// <summary>
    /// Parses <c>env:NAME</c>, <c>file:PATH</c>, <c>file:///PATH</c> or a plain absolute path
    /// (RFC 7512 lets pin-source be a file URI or a path).
    /// </summary>
    public static PinSource Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith("env:", StringComparison.Ordinal))
        {
            var name = text[4..];
            return name.Length == 0 || name.Contains('=', StringComparison.Ordinal)
                ? throw new SigningException("pin-source env: needs an environment variable name")
                : FromEnvironment(name);
        }
        if (text.StartsWith("file://", StringComparison.Ordinal))
        {
            var path = text["file://".Length..];
            return path.StartsWith('/') ? FromFile(path) : throw new SigningException("pin-source file:// needs an absolute path (file:///path/to/pin)");
        }
        if (text.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = text[5..];
            return path.Length == 0 ? throw new SigningException("pin-source file: needs a path") : FromFile(path);
        }
        if (Path.IsPathRooted(text))
        {
            return FromFile(text);
        }
        throw new SigningException($"pin-source '{text}' is not env:NAME or file:PATH");
    }

    /// <summary>Reads the PIN as UTF-8 bytes, without a trailing line break. The caller clears them after use.</summary>
    public byte[] ReadPin()
    {
        string pin;
        if (EnvironmentVariable is not null)
        {
            pin = Environment.GetEnvironmentVariable(EnvironmentVariable)
                ?? throw new SigningException($"the PIN environment variable {EnvironmentVariable} is not set");
        }
        else
        {
            try
            {
                pin = File.ReadAllText(FilePath!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SigningException($"the PIN file {FilePath} could not be read: {ex.GetType().Name switch { nameof(FileNotFoundException) => "it does not exist", nameof(DirectoryNotFoundException) => "its folder does not exist", nameof(UnauthorizedAccessException) => "access denied", _ => "I/O error" }}");
            }
        }
        pin = pin.TrimEnd('\r', '\n');
        return pin.Length == 0 ? throw new SigningException($"the PIN from {this} is empty") : Encoding.UTF8.GetBytes(pin);
    }

    /// <summary>The source as written in a URI; never the PIN.</summary>
    public override string ToString() => EnvironmentVariable is not null ? $"env:{EnvironmentVariable}" : $"file:{FilePath}";
}
