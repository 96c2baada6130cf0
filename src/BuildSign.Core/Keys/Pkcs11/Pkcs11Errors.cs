using Net.Pkcs11Interop.Common;

namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>Turns PKCS#11 return values into one-line errors a user can act on.</summary>
internal static class Pkcs11Errors
{
    public static SigningException Login(Pkcs11Exception ex, string tokenName) => new(ex.RV switch
    {
        CKR.CKR_PIN_INCORRECT => $"wrong PIN for token {tokenName}",
        CKR.CKR_PIN_LOCKED => $"the PIN of token {tokenName} is locked; unlock it with the security officer PIN",
        CKR.CKR_PIN_EXPIRED => $"the PIN of token {tokenName} has expired; set a new one",
        CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE => $"the PIN for token {tokenName} is not a valid PIN for it (wrong length or characters)",
        CKR.CKR_USER_PIN_NOT_INITIALIZED => $"token {tokenName} has no user PIN yet; initialize it first",
        CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_DEVICE_REMOVED => $"token {tokenName} was removed",
        _ => $"login to token {tokenName} failed: {ex.RV}",
    }, ex);

    public static SigningException Operation(Pkcs11Exception ex, string what, string tokenName) => new(ex.RV switch
    {
        CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_DEVICE_REMOVED => $"token {tokenName} was removed while {what}",
        CKR.CKR_USER_NOT_LOGGED_IN => $"token {tokenName} is not logged in while {what}",
        CKR.CKR_KEY_FUNCTION_NOT_PERMITTED => $"the key in token {tokenName} may not sign",
        CKR.CKR_MECHANISM_INVALID => $"token {tokenName} does not support the signing mechanism needed while {what}",
        _ => $"token {tokenName} failed while {what}: {ex.RV}",
    }, ex);
}
