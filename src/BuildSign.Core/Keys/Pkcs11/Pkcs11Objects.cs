using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>Searches and reads token objects with short calls.</summary>
internal static class Pkcs11Objects
{
    /// <summary>Finds objects of a class, narrowed by label and/or id when given.</summary>
    public static List<IObjectHandle> Find(ISession session, CKO objectClass, string? label = null, byte[]? id = null)
    {
        var factory = session.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute> { factory.Create(CKA.CKA_CLASS, objectClass) };
        if (label is not null) template.Add(factory.Create(CKA.CKA_LABEL, label));
        if (id is not null) template.Add(factory.Create(CKA.CKA_ID, id));
        try
        {
            return session.FindAllObjects(template);
        }
        finally
        {
            foreach (var attribute in template) attribute.Dispose();
        }
    }

    /// <summary>Reads attributes; those the token cannot give come back with <c>CannotBeRead</c> set.</summary>
    public static Dictionary<CKA, IObjectAttribute> Read(ISession session, IObjectHandle handle, params CKA[] attributes)
    {
        var values = session.GetAttributeValue(handle, [.. attributes]);
        return values.ToDictionary(v => (CKA)v.Type);
    }

    public static string? Text(this Dictionary<CKA, IObjectAttribute> values, CKA attribute) =>
        values.TryGetValue(attribute, out var value) && !value.CannotBeRead ? value.GetValueAsString() : null;

    public static byte[]? Bytes(this Dictionary<CKA, IObjectAttribute> values, CKA attribute) =>
        values.TryGetValue(attribute, out var value) && !value.CannotBeRead ? value.GetValueAsByteArray() ?? [] : null;

    public static bool? Flag(this Dictionary<CKA, IObjectAttribute> values, CKA attribute) =>
        values.TryGetValue(attribute, out var value) && !value.CannotBeRead ? value.GetValueAsBool() : null;

    public static ulong? Number(this Dictionary<CKA, IObjectAttribute> values, CKA attribute) =>
        values.TryGetValue(attribute, out var value) && !value.CannotBeRead ? value.GetValueAsUlong() : null;
}
