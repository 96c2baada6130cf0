using System.Buffers.Binary;
using System.Formats.Asn1;

namespace BuildSign.Core.Formats.Pe;

/// <summary>
/// One WIN_CERTIFICATE entry of a PE certificate table: { dwLength, wRevision, wCertificateType }
/// followed by the certificate data, each entry padded to a multiple of 8 bytes.
/// </summary>
/// <param name="Revision">wRevision; 0x0200 for entries BuildSign writes.</param>
/// <param name="CertificateType">wCertificateType; 0x0002 is PKCS#7 SignedData.</param>
/// <param name="Data">The certificate data without header or padding (for PKCS#7, exactly the DER ContentInfo).</param>
public sealed record WinCertificate(ushort Revision, ushort CertificateType, ReadOnlyMemory<byte> Data)
{
    /// <summary>WIN_CERT_REVISION_2_0.</summary>
    public const ushort Revision2 = 0x0200;

    /// <summary>WIN_CERT_TYPE_PKCS_SIGNED_DATA.</summary>
    public const ushort PkcsSignedData = 0x0002;

    /// <summary>The size of the dwLength, wRevision and wCertificateType header.</summary>
    public const int HeaderSize = 8;

    // A certificate table holds signatures and chains, never megabytes; bound what is read into memory.
    private const long MaxTableSize = 64L << 20;

    /// <summary>True for a PKCS#7 SignedData entry (the Authenticode signature).</summary>
    public bool IsPkcsSignedData => CertificateType == PkcsSignedData;

    /// <summary>A PKCS#7 SignedData entry holding <paramref name="contentInfo"/>.</summary>
    public static WinCertificate ForSignedData(ReadOnlyMemory<byte> contentInfo) => new(Revision2, PkcsSignedData, contentInfo);

    /// <summary>The entry's bytes: header, data and zero padding to a multiple of 8; dwLength counts the padding.</summary>
    public byte[] Encode()
    {
        var unpadded = HeaderSize + (long)Data.Length;
        var total = unpadded + PeLayout.PaddingTo8(unpadded);
        if (total > uint.MaxValue) throw new ArgumentException("certificate data too large", nameof(Data));
        var bytes = new byte[total];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)total);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), Revision);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), CertificateType);
        Data.Span.CopyTo(bytes.AsSpan(HeaderSize));
        return bytes;
    }

    /// <summary>Encodes a whole certificate table from its entries.</summary>
    public static byte[] EncodeTable(IEnumerable<WinCertificate> entries) => entries.SelectMany(e => e.Encode()).ToArray();

    /// <summary>Reads every entry of the certificate table at <paramref name="table"/>.</summary>
    /// <exception cref="SigningException">The table is malformed.</exception>
    public static IReadOnlyList<WinCertificate> ReadTable(Stream stream, CertificateTableLocation table, string path)
    {
        if (table.Size > MaxTableSize) throw new SigningException(path, "certificate table is implausibly large");
        var bytes = new byte[table.Size];
        stream.Position = table.Offset;
        stream.ReadExactly(bytes);
        return ParseTable(bytes, path);
    }

    /// <summary>Parses the entries of a certificate table held in memory.</summary>
    /// <exception cref="SigningException">The table is malformed.</exception>
    public static IReadOnlyList<WinCertificate> ParseTable(ReadOnlyMemory<byte> table, string path)
    {
        var entries = new List<WinCertificate>();
        var offset = 0;
        while (offset + HeaderSize <= table.Length)
        {
            var header = table.Span[offset..];
            var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (length == 0 && IsAllZero(header)) break; // trailing padding
            if (length < HeaderSize || length > (uint)(table.Length - offset))
            {
                throw new SigningException(path, "corrupt certificate table: entry length out of range");
            }
            var revision = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
            var data = table.Slice(offset + HeaderSize, (int)length - HeaderSize);
            if (type == PkcsSignedData) data = TrimToDer(data, path);
            entries.Add(new WinCertificate(revision, type, data));
            offset += (int)length + PeLayout.PaddingTo8(length);
        }
        return entries;
    }

    // dwLength may or may not count the padding; the DER value knows its own length.
    private static ReadOnlyMemory<byte> TrimToDer(ReadOnlyMemory<byte> data, string path)
    {
        try
        {
            var reader = new AsnReader(data, AsnEncodingRules.BER);
            return reader.ReadEncodedValue();
        }
        catch (AsnContentException e)
        {
            throw new SigningException(path, "corrupt certificate table: signature is not valid ASN.1", e);
        }
    }

    private static bool IsAllZero(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExcept((byte)0);
}
