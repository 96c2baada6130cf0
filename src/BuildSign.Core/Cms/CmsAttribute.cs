namespace BuildSign.Core.Cms;

/// <summary>An attribute read from a SignerInfo: its type and the DER of each value.</summary>
/// <param name="Oid">The attribute type.</param>
/// <param name="Values">The DER encoding of each value in the attribute's SET.</param>
public sealed record CmsAttribute(string Oid, IReadOnlyList<ReadOnlyMemory<byte>> Values);
