using BuildSign.Core.Keys.Pkcs11;

namespace BuildSign.Core.Tests.Keys;

public sealed class Pkcs11UriTests
{
    [Fact]
    public void Path_and_query_attributes_are_read()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:token=My%20Token;serial=abc123;manufacturer=SoftHSM%20project;model=SoftHSM%20v2;object=signer;id=%01%ff;type=private;slot-id=7?module-path=/opt/hsm/lib%3Bx.so&pin-source=env:HSM_PIN");

        Assert.Equal("My Token", uri.Token);
        Assert.Equal("abc123", uri.Serial);
        Assert.Equal("SoftHSM project", uri.Manufacturer);
        Assert.Equal("SoftHSM v2", uri.Model);
        Assert.Equal("signer", uri.Object);
        Assert.Equal(new byte[] { 0x01, 0xff }, uri.Id);
        Assert.Equal("private", uri.Type);
        Assert.Equal(7UL, uri.SlotId);
        Assert.Equal("/opt/hsm/lib;x.so", uri.ModulePath);
        Assert.Equal("HSM_PIN", uri.PinSource!.EnvironmentVariable);
    }

    [Fact]
    public void Defaults_to_the_softhsm_module_and_no_pin()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:token=t");

        Assert.Equal("/usr/lib/softhsm/libsofthsm2.so", uri.ModulePath);
        Assert.Null(uri.PinSource);
        Assert.Null(uri.Object);
        Assert.Null(uri.SoftHsmConfigPath);
    }

    [Theory]
    [InlineData("file:/run/secrets/pin", "/run/secrets/pin")]
    [InlineData("file:///run/secrets/pin", "/run/secrets/pin")]
    [InlineData("/run/secrets/pin", "/run/secrets/pin")]
    [InlineData("file:pin.txt", "pin.txt")]
    public void Pin_source_file_forms(string pinSource, string path)
    {
        var uri = Pkcs11Uri.Parse($"pkcs11:token=t?pin-source={pinSource}");

        Assert.Equal(path, uri.PinSource!.FilePath);
    }

    [Fact]
    public void Percent_encoded_utf8_is_decoded()
    {
        Assert.Equal("Schlüssel", Pkcs11Uri.Parse("pkcs11:object=Schl%C3%BCssel").Object);
        Assert.Equal("Schlüssel", Pkcs11Uri.Parse("pkcs11:object=Schlüssel").Object);
    }

    [Fact]
    public void Softhsm_configuration_attribute_is_read()
    {
        Assert.Equal("/tmp/x/softhsm2.conf", Pkcs11Uri.Parse("pkcs11:token=t?softhsm2-conf=/tmp/x/softhsm2.conf").SoftHsmConfigPath);
    }

    [Fact]
    public void Pin_value_is_refused_and_not_echoed()
    {
        var error = Assert.Throws<SigningException>(() => Pkcs11Uri.Parse("pkcs11:token=t?pin-value=s3cret-1234"));

        Assert.Equal("PKCS#11 URI must not carry the PIN (pin-value); use pin-source=env:NAME or pin-source=file:PATH", error.Message);
        Assert.DoesNotContain("s3cret", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pkcs11:token=a%2", "PKCS#11 URI attribute 'token' has a bad percent-encoding")]
    [InlineData("pkcs11:token=a%zz", "PKCS#11 URI attribute 'token' has a bad percent-encoding")]
    [InlineData("pkcs11:token", "PKCS#11 URI path has a part that is not of the form name=value")]
    [InlineData("pkcs11:token=a;token=b", "PKCS#11 URI repeats the attribute 'token'")]
    [InlineData("pkcs11:colour=blue", "PKCS#11 URI has an unknown attribute 'colour'")]
    [InlineData("pkcs11:slot-id=one", "PKCS#11 URI slot-id is not a decimal number")]
    [InlineData("pkcs11:type=key", "PKCS#11 URI has an unknown object type (use private, public, cert, secret-key or data)")]
    [InlineData("pkcs11:token=t?pin-source=vault:x", "pin-source is not env:NAME or file:PATH (its value is not shown)")]
    [InlineData("pkcs11:token=t?pin-source=env:", "pin-source env: needs an environment variable name")]
    [InlineData("pkcs11:token=t?module-name=softhsm2", "PKCS#11 URI names a module by module-name; give its file with module-path instead")]
    [InlineData("pkcs:token=t", "a PKCS#11 key must start with 'pkcs11:'")]
    public void Malformed_uris_are_refused_with_the_reason(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<SigningException>(() => Pkcs11Uri.Parse(text)).Message);
    }

    [Theory]
    [InlineData("pkcs11:token=t?pin-source=s3cret-1234")]
    [InlineData("pkcs11:token=t?pin-source=/s3cret-1234")]
    [InlineData("pkcs11:token=t?pin-source=file:s3cret-1234")]
    [InlineData("pkcs11:token=t?pin-source=env:s3cret-1234")]
    [InlineData("pkcs11:token=t;s3cret-1234")]
    [InlineData("pkcs11:token=t?s3cret-1234")]
    [InlineData("pkcs11:token=t;slot-id=s3cret-1234")]
    [InlineData("pkcs11:token=t;type=s3cret-1234")]
    [InlineData("pkcs11:token=t?pin%2Dvalue=s3cret-1234")]
    [InlineData("pkcs11:token=t;pin%2dvalue=s3cret-1234")]
    [InlineData("pkcs11:token=t?PIN-VALUE=s3cret-1234")]
    [InlineData("pkcs11:token=t?x-pin=s3cret-1234")]
    [InlineData("pkcs11:token=t;x-password=s3cret-1234")]
    [InlineData("pkcs11:token=t?user-pin=s3cret-1234")]
    [InlineData("pkcs11:token=t?secret=s3cret-1234")]
    public void A_pin_put_in_the_wrong_place_is_never_echoed(string text)
    {
        var error = Record.Exception(() =>
        {
            var uri = Pkcs11Uri.Parse(text);
            uri.PinSource?.ReadPin();
        });

        var refused = Assert.IsType<SigningException>(error);
        Assert.DoesNotContain("s3cret", refused.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pkcs11:token=t?pin%2Dvalue=1234")]
    [InlineData("pkcs11:token=t;pin-value=1234")]
    public void Pin_value_is_refused_however_it_is_spelled(string text)
    {
        Assert.Equal("PKCS#11 URI must not carry the PIN (pin-value); use pin-source=env:NAME or pin-source=file:PATH", Assert.Throws<SigningException>(() => Pkcs11Uri.Parse(text)).Message);
    }

    [Fact]
    public void Escaped_values_parse_back()
    {
        const string path = "/tmp/a b;c&d?e%f/pin";

        var uri = Pkcs11Uri.Parse($"pkcs11:object={Pkcs11Uri.Escape("x;y")}?pin-source=file:{Pkcs11Uri.Escape(path)}");

        Assert.Equal("x;y", uri.Object);
        Assert.Equal(path, uri.PinSource!.FilePath);
    }
}
