using System.CommandLine;

namespace BuildSign.Cli.Commands;

/// <summary>Options shared by several commands, so each is spelled and described once.</summary>
internal static class CommonOptions
{
    public static Option<string> Key(bool required = true) => new("--key")
    {
        Description = "The key: pkcs11:token=…;object=…?module-path=…&pin-source=env:NAME, https://service/keys/ID, or file:dev.pfx (development only)",
        Required = required,
    };

    public static Option<string?> Certificate() => new("--certificate")
    {
        Description = "Certificate file (PEM or DER, chain allowed) when the key's certificate is not in the token",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print a machine-readable JSON result on standard output",
    };

    public static Option<bool> Verbose() => new("--verbose")
    {
        Description = "Also print the details of unexpected failures (stack traces) on standard error",
    };

    public static Argument<string[]> Paths() => new("PATH")
    {
        Description = "Files, directories (with --recursive) or globs",
        Arity = ArgumentArity.OneOrMore,
    };
}
