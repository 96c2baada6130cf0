using System.Formats.Asn1;

namespace BuildSign.Core.Cms;

/// <summary>Strict reading of single DER values, such as an attribute's value.</summary>
internal static class DerValue
{
    /// <summary>Reads one DER value that must fill <paramref name="encoded"/> exactly; null when it is malformed.</summary>
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
