namespace BuildSign.Core.Cms;

/// <summary>A finished signature, ready to embed.</summary>
/// <param name="ContentInfo">The DER of the CMS ContentInfo holding the SignedData.</param>
/// <param name="TimestampTime">The time the timestamp authority vouched for, when timestamped.</param>
public sealed record SignedContent(ReadOnlyMemory<byte> ContentInfo, DateTimeOffset? TimestampTime);
