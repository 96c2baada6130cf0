using System.Security.Cryptography;

namespace BuildSign.MSBuild.Tests;

/// <summary>
/// Without a key nothing is signed and the task is never loaded; with a key that cannot sign, the
/// build fails with a BS code, never shows the PIN, and leaves the compiled assembly whole and unsigned.
/// </summary>
[Collection(MSBuildCollection.Name)]
public sealed class KeyFailureTests(MSBuildFixture fixture)
{
    [Fact]
    public void No_key_signs_nothing_and_keys_that_cannot_sign_fail_with_a_code_leaving_the_assembly_unsigned()
    {
        var solution = fixture.NewSolution("keys");
        solution.AddProject("Plain", "");
        var compiled = solution.PathOf("Plain/obj/Release/net10.0/Plain.dll");

        var unsigned = solution.Run(new Dictionary<string, string?>(), "build", "Plain/Plain.csproj", "-c", "Release", "-v:d");
        unsigned.AssertSucceeded();
        Osslsigncode.AssertUnsigned(compiled);
        Osslsigncode.AssertUnsigned(solution.PathOf("Plain/bin/Release/net10.0/Plain.dll"));
        // No signing target ran, so the task assembly (and Core, Pkcs11Interop, any PKCS#11 module) was never loaded.
        Assert.DoesNotContain("target \"BuildSignBuildOutputs\"", unsigned.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("BuildSign.MSBuild.SignFiles\" task", unsigned.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("tasks/net10.0/BuildSign.MSBuild.dll", unsigned.Output, StringComparison.Ordinal);
        var original = SHA256.HashData(File.ReadAllBytes(compiled));

        var wrongPin = fixture.SigningProperties(fixture.Token.KeyString("rsa", pinSource: "env:BUILDSIGN_TEST_WRONG_PIN"));
        wrongPin["BUILDSIGN_TEST_WRONG_PIN"] = "0000wrong0000";
        var badDigest = fixture.SigningProperties();
        badDigest["BuildSignDigest"] = "md5";
        var cases = new (string Name, Dictionary<string, string?> Properties, string Code)[]
        {
            ("wrong PIN", wrongPin, "BS1002"),
            ("missing module", fixture.SigningProperties(fixture.Token.KeyString("rsa").Replace(Testing.SoftHsmToken.ModulePath, "/nonexistent/libmissing-pkcs11.so", StringComparison.Ordinal)), "BS1002"),
            ("bad key string", fixture.SigningProperties("not-a-key-string"), "BS1002"),
            ("unsupported digest", badDigest, "BS1004"),
            ("PIN in the key", fixture.SigningProperties($"pkcs11:token={fixture.Token.TokenLabel};object=rsa?module-path={Testing.SoftHsmToken.ModulePath}&pin-value=1234secret5678"), "BS1001"),
        };
        foreach (var (name, properties, code) in cases)
        {
            var failed = solution.Run(properties, "build", "Plain/Plain.csproj", "-c", "Release", "-v:n");
            Assert.True(failed.ExitCode != 0, $"{name}: the build should fail:\n{failed.Output}");
            Assert.Contains($"error {code}: BuildSign: ", failed.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.Token.Pin, failed.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("0000wrong0000", failed.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("1234secret5678", failed.Output, StringComparison.Ordinal);
            Assert.Empty(failed.Summaries);
            Osslsigncode.AssertUnsigned(compiled);
            Assert.Equal(original, SHA256.HashData(File.ReadAllBytes(compiled)));
        }

        // A design-time build (what an IDE runs to read the project) never signs, key or not.
        var designTime = solution.Run(fixture.SigningProperties(), "build", "Plain/Plain.csproj", "-c", "Release", "-p:DesignTimeBuild=true", "-v:n");
        designTime.AssertSucceeded();
        Assert.Empty(designTime.Summaries);
        Osslsigncode.AssertUnsigned(compiled);
    }
}
