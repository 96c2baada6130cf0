namespace BuildSign.Core.Formats.Authenticode;

/// <summary>
/// The order of the elements of a DER SET OF (X.690 11.6): their encodings compared as octet
/// strings, the shorter one padded at its end with zero octets.
/// </summary>
internal static class DerSetOfOrder
{
    /// <summary>Compares two encodings in DER SET OF order.</summary>
    public static int Compare(byte[]? left, byte[]? right)
    {
        left ??= [];
        right ??= [];
        var length = Math.Max(left.Length, right.Length);
        for (var i = 0; i < length; i++)
        {
            var a = i < left.Length ? left[i] : (byte)0;
            var b = i < right.Length ? right[i] : (byte)0;
            if (a != b) return a.CompareTo(b);
        }
        return left.Length.CompareTo(right.Length);
    }
}
