namespace BuildSign.Core;

/// <summary>
/// A failure the user can act on: bad input, a refused key, an unreachable timestamp server.
/// The message is one line, names the file where there is one, and never holds a secret.
/// </summary>
public class SigningException : Exception
{
    /// <summary>Creates an error about the run as a whole.</summary>
    public SigningException(string message) : base(message) { }

    /// <summary>Creates an error about the run as a whole, keeping the cause for diagnostics.</summary>
    public SigningException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates an error about one file.</summary>
    public SigningException(string filePath, string reason, Exception? innerException = null)
        : base(reason, innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The file the error is about, when it is about one.</summary>
    public string? FilePath { get; }

    /// <summary>The reason alone, without the file name.</summary>
    public string Reason => base.Message;

    /// <inheritdoc />
    public override string Message => FilePath is null ? base.Message : $"{FilePath}: {base.Message}";
}
