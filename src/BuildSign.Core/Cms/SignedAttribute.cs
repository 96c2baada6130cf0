namespace BuildSign.Core.Cms;

/// <summary>A CMS signed attribute with one value, given as the value's DER encoding.</summary>
/// <param name="Oid">The attribute type.</param>
/// <param name="Value">The DER encoding of the single attribute value.</param>
public sealed record SignedAttribute(string Oid, ReadOnlyMemory<byte> Value);
