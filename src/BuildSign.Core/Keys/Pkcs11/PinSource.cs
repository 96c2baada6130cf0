using System.Text;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>
/// Where a token PIN is read from: an environment variable (<c>env:NAME</c>) or a file
/// (<c>file:PATH</c>). Errors name neither the PIN nor where it comes from: a PIN typed where its
/// source goes (<c>pin-source=1234</c>, <c>pin-source=/1234</c>) would otherwise be printed.
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
        // The value is not shown: it is most likely the PIN itself, put where its source goes.
        throw new SigningException("pin-source is not env:NAME or file:PATH (its value is not shown)");
    }

    /// <summary>Reads the PIN as UTF-8 bytes, without a trailing line break. The caller clears them after use.</summary>
    public byte[] ReadPin()
    {
        string pin;
        if (EnvironmentVariable is not null)
        {
            pin = Environment.GetEnvironmentVariable(EnvironmentVariable)
                ?? throw new SigningException("the PIN environment variable named by pin-source=env: is not set");
        }
        else
        {
            try
            {
                pin = ReadPinFile(FilePath!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SigningException($"the PIN file named by pin-source could not be read: {ex.GetType().Name switch { nameof(FileNotFoundException) => "it does not exist", nameof(DirectoryNotFoundException) => "its folder does not exist", nameof(UnauthorizedAccessException) => "access denied", _ => "I/O error" }}");
            }
        }
        pin = pin.TrimEnd('\r', '\n');
        return pin.Length == 0 ? throw new SigningException("the PIN named by pin-source is empty") : Encoding.UTF8.GetBytes(pin);
    }

    /// <summary>The most bytes read from a PIN file: a PIN is short, and /dev/zero never ends.</summary>
    public const int MaxPinFileLength = 1024;

    // Only a regular file is opened: a FIFO would block until someone writes to it.
    private string ReadPinFile(string path)
    {
        var kind = Files.FileKinds.Of(path);
        if (kind == Files.FileKind.Missing)
        {
            throw new FileNotFoundException();
        }
        if (kind != Files.FileKind.Regular)
        {
            throw new SigningException($"the PIN file named by pin-source is {Files.FileKinds.Describe(kind)}");
        }
        using var stream = Files.RegularFile.OpenRead(path, 1);
        var buffer = new byte[MaxPinFileLength + 1];
        var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        try
        {
            return length > MaxPinFileLength
                ? throw new SigningException($"the PIN file named by pin-source is larger than {MaxPinFileLength} bytes, too large to hold a PIN")
                : DecodeText(buffer, length);
        }
        finally
        {
            Array.Clear(buffer);
        }
    }

    // As File.ReadAllText reads it: a byte order mark (editors on Windows write one) picks the encoding and is dropped.
    private static string DecodeText(byte[] buffer, int length)
    {
        using var reader = new StreamReader(new MemoryStream(buffer, 0, length, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>The source as written in a URI; never the PIN.</summary>
    public override string ToString() => EnvironmentVariable is not null ? $"env:{EnvironmentVariable}" : $"file:{FilePath}";
}
