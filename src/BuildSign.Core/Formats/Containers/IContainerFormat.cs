namespace BuildSign.Core.Formats.Containers;

/// <summary>
/// A format whose files are ZIP archives that hold other signable files (.nupkg, .zip, .vsix).
/// With a recursive run the files inside are signed first, the archive is rewritten with them,
/// and then the archive itself is signed by this format.
/// </summary>
public interface IContainerFormat : IFileFormat
{
    /// <summary>
    /// The entry that holds the archive's own signature (".signature.p7s" in a package), or null when
    /// the signature lives outside the archive. It is never signed as an inner file, and it is dropped
    /// when the archive is rewritten, since changed contents make it invalid anyway.
    /// </summary>
    string? EmbeddedSignatureEntry { get; }
}
