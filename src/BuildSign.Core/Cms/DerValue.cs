using System.Formats.Asn1;

namespace BuildSign.Core.Cms;

/// <summary>Reads attribute values strictly: one DER value that fills its bytes, or nothing.</summary>
internal static class DerValue
{
    /// <summary>Reads one DER value that must fill <paramref name="encoded"/>; null when it is malformed.</summary>
    public static T? ReadSingle<T>(ReadOnlyMemory<byte> encoded, Func<AsnReader, T> read) where T : class
    {
        try
        {
            var reader = new AsnReader(encoded, AsnEncodingRules.DER);
            var value = read(reader);
            reader.ThrowIfNotEmpty();
            return value;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
}
