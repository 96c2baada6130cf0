/*
 * winverify: asks the Windows API whether signatures verify, one line per file.
 *
 *   winverify.exe pe:PATH            WinVerifyTrust, WINTRUST_ACTION_GENERIC_VERIFY_V2, no revocation
 *   winverify.exe cms:PATH           a CMS SignedData with its content inside (NuGet .signature.p7s)
 *   winverify.exe detached:P7S|DATA  a detached CMS SignedData over the file DATA
 *
 * Prints "<HRESULT as 0x%08X> <argument>" for each argument (0x00000000 = the API accepts it).
 * For CMS the signature is checked with CryptMsgOpenToDecode + CMSG_CTRL_VERIFY_SIGNATURE
 * (CMSG_CTRL_VERIFY_SIGNATURE_EX for a signer named by key identifier) against the signer
 * certificate found in the message. Built with mingw-w64, run under Wine
 * (an independent implementation of these APIs) by BuildSign's tests.
 */
#include <windows.h>
#include <wincrypt.h>
#include <wintrust.h>
#include <softpub.h>
#include <stdio.h>
#include <wchar.h>

#define ENCODING (X509_ASN_ENCODING | PKCS_7_ASN_ENCODING)

static HRESULT last_error_hresult(void)
{
    DWORD error = GetLastError();
    /* crypt32 reports HRESULTs (0x8009xxxx) through GetLastError; plain Win32 codes are wrapped. */
    return (error & 0x80000000u) ? (HRESULT)error : HRESULT_FROM_WIN32(error);
}

static HRESULT verify_pe(const wchar_t *path)
{
    WINTRUST_FILE_INFO file = {0};
    WINTRUST_DATA data = {0};
    GUID action = WINTRUST_ACTION_GENERIC_VERIFY_V2;
    LONG status;

    file.cbStruct = sizeof(file);
    file.pcwszFilePath = path;
    data.cbStruct = sizeof(data);
    data.dwUIChoice = WTD_UI_NONE;
    data.fdwRevocationChecks = WTD_REVOKE_NONE;
    data.dwUnionChoice = WTD_CHOICE_FILE;
    data.pFile = &file;
    data.dwStateAction = WTD_STATEACTION_VERIFY;
    status = WinVerifyTrust((HWND)INVALID_HANDLE_VALUE, &action, &data);
    data.dwStateAction = WTD_STATEACTION_CLOSE;
    WinVerifyTrust((HWND)INVALID_HANDLE_VALUE, &action, &data);
    return (HRESULT)status;
}

static BYTE *read_all(const wchar_t *path, DWORD *length)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    BYTE *buffer;
    DWORD size, done = 0;
    if (file == INVALID_HANDLE_VALUE) return NULL;
    size = GetFileSize(file, NULL);
    buffer = HeapAlloc(GetProcessHeap(), 0, size ? size : 1);
    if (buffer && !ReadFile(file, buffer, size, &done, NULL)) done = 0;
    CloseHandle(file);
    if (!buffer || done != size) { if (buffer) HeapFree(GetProcessHeap(), 0, buffer); return NULL; }
    *length = size;
    return buffer;
}

/* Verifies signer 0 with one certificate; S_OK when the signature matches it. */
static HRESULT verify_with(HCRYPTMSG message, PCCERT_CONTEXT certificate)
{
    CMSG_CTRL_VERIFY_SIGNATURE_EX_PARA para = {0};
    if (CryptMsgControl(message, 0, CMSG_CTRL_VERIFY_SIGNATURE, certificate->pCertInfo)) return S_OK;
    if (GetLastError() != (DWORD)CRYPT_E_SIGNER_NOT_FOUND) return last_error_hresult();
    /* Wine matches CMSG_CTRL_VERIFY_SIGNATURE's certificate by issuer and serial only; a signer
       named by subject key identifier (NuGet's form) is checked with the _EX control instead. */
    para.cbSize = sizeof(para);
    para.dwSignerIndex = 0;
    para.dwSignerType = CMSG_VERIFY_SIGNER_CERT;
    para.pvSigner = (void *)certificate;
    if (CryptMsgControl(message, 0, CMSG_CTRL_VERIFY_SIGNATURE_EX, &para)) return S_OK;
    return last_error_hresult();
}

static HRESULT verify_cms(const wchar_t *signature_path, const wchar_t *content_path)
{
    DWORD signature_length = 0, content_length = 0, info_length = 0;
    BYTE *signature = read_all(signature_path, &signature_length);
    BYTE *content = NULL;
    HCRYPTMSG message = NULL;
    HCERTSTORE store = NULL;
    CERT_INFO *signer_info = NULL;
    PCCERT_CONTEXT certificate = NULL;
    HRESULT result;

    if (!signature) return HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
    if (content_path && !(content = read_all(content_path, &content_length)))
    {
        HeapFree(GetProcessHeap(), 0, signature);
        return HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
    }
    message = CryptMsgOpenToDecode(ENCODING, content ? CMSG_DETACHED_FLAG : 0, 0, 0, NULL, NULL);
    if (!message) { result = last_error_hresult(); goto done; }
    if (!CryptMsgUpdate(message, signature, signature_length, TRUE)) { result = last_error_hresult(); goto done; }
    if (content && !CryptMsgUpdate(message, content, content_length, TRUE)) { result = last_error_hresult(); goto done; }

    store = CertOpenStore(CERT_STORE_PROV_MSG, ENCODING, 0, 0, message);
    if (!store) { result = last_error_hresult(); goto done; }
    if (CryptMsgGetParam(message, CMSG_SIGNER_CERT_INFO_PARAM, 0, NULL, &info_length) &&
        (signer_info = HeapAlloc(GetProcessHeap(), 0, info_length)) &&
        CryptMsgGetParam(message, CMSG_SIGNER_CERT_INFO_PARAM, 0, signer_info, &info_length))
    {
        certificate = CertGetSubjectCertificateFromStore(store, ENCODING, signer_info);
    }
    if (certificate)
    {
        result = verify_with(message, certificate);
    }
    else
    {
        /* A signer named by subject key identifier may not be found by issuer and serial:
           try every certificate of the message; the first failure is reported if none matches. */
        HRESULT first_failure = CRYPT_E_SIGNER_NOT_FOUND;
        PCCERT_CONTEXT candidate = NULL;
        result = CRYPT_E_SIGNER_NOT_FOUND;
        while ((candidate = CertEnumCertificatesInStore(store, candidate)))
        {
            HRESULT attempt = verify_with(message, candidate);
            if (attempt == S_OK) { result = S_OK; CertFreeCertificateContext(candidate); break; }
            if (first_failure == CRYPT_E_SIGNER_NOT_FOUND) first_failure = attempt;
        }
        if (result != S_OK) result = first_failure;
    }

done:
    if (certificate) CertFreeCertificateContext(certificate);
    if (signer_info) HeapFree(GetProcessHeap(), 0, signer_info);
    if (store) CertCloseStore(store, 0);
    if (message) CryptMsgClose(message);
    if (content) HeapFree(GetProcessHeap(), 0, content);
    HeapFree(GetProcessHeap(), 0, signature);
    return result;
}

int wmain(int argc, wchar_t **argv)
{
    int i;
    for (i = 1; i < argc; i++)
    {
        const wchar_t *argument = argv[i];
        HRESULT result;
        if (wcsncmp(argument, L"pe:", 3) == 0)
        {
            result = verify_pe(argument + 3);
        }
        else if (wcsncmp(argument, L"cms:", 4) == 0)
        {
            result = verify_cms(argument + 4, NULL);
        }
        else if (wcsncmp(argument, L"detached:", 9) == 0)
        {
            wchar_t buffer[2048];
            wchar_t *bar;
            wcsncpy(buffer, argument + 9, 2047);
            buffer[2047] = 0;
            bar = wcschr(buffer, L'|');
            if (!bar) { wprintf(L"0x%08X %ls\n", (unsigned)E_INVALIDARG, argument); continue; }
            *bar = 0;
            result = verify_cms(buffer, bar + 1);
        }
        else
        {
            result = E_INVALIDARG;
        }
        wprintf(L"0x%08X %ls\n", (unsigned)result, argument);
        fflush(stdout);
    }
    return 0;
}
