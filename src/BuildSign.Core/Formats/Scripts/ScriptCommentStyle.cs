namespace BuildSign.Core.Formats.Scripts;

/// <summary>
/// How a script type writes its signature block lines: PowerShell comments (<c># …</c>), XML
/// comments (<c>&lt;!-- … --&gt;</c>) or C comments (<c>/* … */</c>), chosen by file extension as
/// Windows' PowerShell SIP and osslsigncode do.
/// </summary>
/// <param name="Prefix">What starts each line of the block.</param>
/// <param name="Suffix">What ends each line of the block, before the line break.</param>
public sealed record ScriptCommentStyle(string Prefix, string Suffix)
{
    /// <summary>PowerShell line comments: .ps1, .psm1, .psd1.</summary>
    public static ScriptCommentStyle PowerShell { get; } = new("# ", "");

    /// <summary>XML comments: .ps1xml, .psc1, .cdxml.</summary>
    public static ScriptCommentStyle Xml { get; } = new("<!-- ", " -->");

    /// <summary>C block comments: .mof.</summary>
    public static ScriptCommentStyle CBlock { get; } = new("/* ", " */");

    /// <summary>The style for a lower-case extension with its dot, or null when the extension is not a signable script.</summary>
    public static ScriptCommentStyle? ForExtension(string extension) => extension switch
    {
        ".ps1" or ".psm1" or ".psd1" => PowerShell,
        ".ps1xml" or ".psc1" or ".cdxml" => Xml,
        ".mof" => CBlock,
        _ => null,
    };

    /// <summary>The first line of a signature block, without its line break.</summary>
    public string BeginLine => $"{Prefix}SIG # Begin signature block{Suffix}";

    /// <summary>The last line of a signature block, without its line break.</summary>
    public string EndLine => $"{Prefix}SIG # End signature block{Suffix}";
}
