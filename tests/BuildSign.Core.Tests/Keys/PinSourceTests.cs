using System.Text;
using BuildSign.Core.Keys.Pkcs11;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Keys;

public sealed class PinSourceTests
{
    [Fact]
    public void File_pin_loses_its_trailing_line_break()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("pin"), "12 34\r\n");

        Assert.Equal("12 34", Encoding.UTF8.GetString(PinSource.Parse($"file:{folder.File("pin")}").ReadPin()));
    }

    [Fact]
    public void Environment_pin_is_read()
    {
        Environment.SetEnvironmentVariable("BUILDSIGN_TEST_PIN_SOURCE", "4711");
        try
        {
            Assert.Equal("4711", Encoding.UTF8.GetString(PinSource.Parse("env:BUILDSIGN_TEST_PIN_SOURCE").ReadPin()));
        }
        finally
        {
            Environment.SetEnvironmentVariable("BUILDSIGN_TEST_PIN_SOURCE", null);
        }
    }

    [Fact]
    public void Missing_file_is_named()
    {
        using var folder = new TempDirectory();

        var error = Assert.Throws<SigningException>(() => PinSource.Parse($"file:{folder.File("nope")}").ReadPin());

        Assert.Equal("the PIN file named by pin-source could not be read: it does not exist", error.Message);
    }

    [Fact]
    public void Empty_pin_is_refused_without_naming_the_source()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("pin"), "\n");

        var error = Assert.Throws<SigningException>(() => PinSource.Parse($"file:{folder.File("pin")}").ReadPin());

        Assert.Equal("the PIN named by pin-source is empty", error.Message);
    }

    [Fact]
    public void A_byte_order_mark_in_a_pin_file_is_not_part_of_the_pin()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("pin"), "4711\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Equal("4711", Encoding.UTF8.GetString(PinSource.Parse($"file:{folder.File("pin")}").ReadPin()));
    }
}
