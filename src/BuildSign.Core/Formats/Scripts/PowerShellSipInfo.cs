using System.Formats.Asn1;

namespace BuildSign.Core.Formats.Scripts;

/// <summary>
/// The SPC_SIPINFO value of script signatures, naming the PowerShell SIP that hashes them:
/// SEQUENCE { INTEGER 65536, OCTET STRING SIP GUID, INTEGER 0 ×5 }, as Windows and osslsigncode write it.
/// </summary>
public static class PowerShellSipInfo
{
    /// <summary>The PowerShell SIP's GUID.</summary>
    public static readonly Guid SipGuid = new("603BCC1F-4B59-4E08-B724-D2C6297EF351");

    private const int Version = 65536;

    /// <summary>The DER of the value.</summary>
    public static byte[] Encode()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(Version);
            // Guid.ToByteArray gives the Windows in-memory layout (first three fields little-endian),
            // which is the order the SIP GUID is stored in.
            writer.WriteOctetString(SipGuid.ToByteArray());
            for (var i = 0; i < 5; i++)
            {
                writer.WriteInteger(0);
            }
        }
        return writer.Encode();
    }
}
