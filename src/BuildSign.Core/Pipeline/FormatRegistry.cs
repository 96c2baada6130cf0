using BuildSign.Core.Formats;

namespace BuildSign.Core.Pipeline;

/// <summary>The formats a run knows, asked in order; the first that recognises a file owns it.</summary>
public sealed class FormatRegistry
{
    private readonly IReadOnlyList<IFileFormat> _formats;

    /// <summary>Creates a registry over the given formats, most specific first.</summary>
    public FormatRegistry(IEnumerable<IFileFormat> formats)
    {
        _formats = [.. formats];
    }

    /// <summary>The formats, in the order they are asked.</summary>
    public IReadOnlyList<IFileFormat> Formats => _formats;

    /// <summary>
    /// The format for a file. A fallback format (detached signatures) applies only to files named
    /// explicitly, never to files found by walking a directory.
    /// </summary>
    public IFileFormat? Classify(FileHead head, bool namedExplicitly) =>
        _formats.FirstOrDefault(f => (!f.IsFallback || namedExplicitly) && f.Recognizes(head));

    /// <summary>Finds a format by name.</summary>
    public IFileFormat? Find(string name) => _formats.FirstOrDefault(f => f.Name == name);
}
