using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>Finds the one token a PKCS#11 URI names among the module's slots.</summary>
internal static class Pkcs11TokenLocator
{
    public static (ISlot Slot, ITokenInfo Token) Find(Pkcs11Module module, Pkcs11Uri uri)
    {
        List<ISlot> slots;
        try
        {
            slots = module.Library.GetSlotList(SlotsType.WithTokenPresent);
        }
        catch (Pkcs11Exception ex)
        {
            throw new SigningException($"PKCS#11 module {uri.ModulePath} could not list its slots: {ex.RV}", ex);
        }

        var matches = new List<(ISlot, ITokenInfo)>();
        foreach (var slot in slots)
        {
            if (uri.SlotId is { } slotId && slot.SlotId != slotId)
            {
                continue;
            }
            var info = slot.GetTokenInfo();
            if (!info.TokenFlags.TokenInitialized)
            {
                continue;
            }
            if (Matches(uri.Token, info.Label) && Matches(uri.Serial, info.SerialNumber) && Matches(uri.Manufacturer, info.ManufacturerId) && Matches(uri.Model, info.Model))
            {
                matches.Add((slot, info));
            }
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new SigningException($"no token {Describe(uri)} in PKCS#11 module {uri.ModulePath}"),
            _ => throw new SigningException($"{matches.Count} tokens match {Describe(uri)} in PKCS#11 module {uri.ModulePath}; name one with token= or serial="),
        };
    }

    /// <summary>How the token is named in messages: its label when known, else its serial.</summary>
    public static string Name(ITokenInfo token) => string.IsNullOrEmpty(token.Label) ? $"serial {token.SerialNumber}" : $"'{token.Label}'";

    // Token info strings are blank-padded fixed-size fields; Pkcs11Interop trims them, but some modules pad with NULs.
    private static bool Matches(string? wanted, string actual) =>
        wanted is null || string.Equals(wanted, actual.TrimEnd(' ', '\0'), StringComparison.Ordinal);

    private static string Describe(Pkcs11Uri uri)
    {
        var parts = new List<string>();
        if (uri.Token is not null) parts.Add($"labelled '{uri.Token}'");
        if (uri.Serial is not null) parts.Add($"with serial {uri.Serial}");
        if (uri.Manufacturer is not null) parts.Add($"made by '{uri.Manufacturer}'");
        if (uri.Model is not null) parts.Add($"of model '{uri.Model}'");
        if (uri.SlotId is not null) parts.Add($"in slot {uri.SlotId}");
        return parts.Count == 0 ? "(any initialized token)" : string.Join(' ', parts);
    }
}
