using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Detached;
using BuildSign.Core.Keys;
using BuildSign.Core.Verification;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Oids;

public class LegacyKeyProtectionTests
{
    [Fact]
    public void The_test_fixture_uses_the_same_legacy_OID_as_Core() =>
        Assert.Equal(WellKnownOids.LegacyKeyProtectionAttribute, LegacyKeyProtectionSignature.LegacyOid);

    [Fact]
    public async Task Verify_reads_the_key_protection_statement_under_the_old_OID()
    {
        using var dir = new TempDirectory();
        var file = dir.File("old.bin");
        File.WriteAllBytes(file, new byte[300]);
        LegacyKeyProtectionSignature.WriteDetached(file, "hardware-local");

        var result = await new DetachedSignatureFormat().VerifyAsync(file, new VerificationOptions { TrustedCertificates = [TestPki.Shared.Root] }, CancellationToken.None);

        var signature = Assert.Single(result.Signatures);
        Assert.True(result.IsValid, string.Join("; ", signature.Problems));
        Assert.Equal(KeyProtection.HardwareLocal, signature.KeyProtection);
    }
}
