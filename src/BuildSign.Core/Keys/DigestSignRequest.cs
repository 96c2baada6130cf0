namespace BuildSign.Core.Keys;

/// <summary>One digest to sign. Only digests ever reach a key: never file contents.</summary>
/// <param name="Algorithm">The algorithm that produced <paramref name="Digest"/>.</param>
/// <param name="Digest">The digest of the CMS signed attributes (the to-be-signed bytes).</param>
/// <param name="Label">What the digest is for (a file name), for audit trails; never a secret.</param>
public sealed record DigestSignRequest(DigestAlgorithm Algorithm, ReadOnlyMemory<byte> Digest, string Label);
