namespace BuildSign.MSBuild;

/// <summary>
/// The codes BuildSign's MSBuild errors and warnings carry (docs/msbuild.md lists each), so IDEs
/// and CI logs can link and filter them. BS1001 and BS1005 are raised by the targets themselves.
/// </summary>
internal static class MessageCodes
{
    /// <summary>The key string carries a PIN (<c>pin-value=</c>).</summary>
    public const string PinInKey = "BS1001";

    /// <summary>The run failed as a whole: the key cannot be opened (wrong PIN, missing module, bad key string), too many files.</summary>
    public const string RunFailed = "BS1002";

    /// <summary>One file could not be signed; it is unchanged.</summary>
    public const string FileFailed = "BS1003";

    /// <summary>A BuildSign property has a value the task cannot use.</summary>
    public const string InvalidProperty = "BS1004";

    /// <summary>A file to sign does not exist.</summary>
    public const string MissingFile = "BS1006";

    /// <summary>The build was canceled while signing.</summary>
    public const string Canceled = "BS1007";

    /// <summary>An unexpected failure inside the signer (a defect); details at diagnostic verbosity.</summary>
    public const string Unexpected = "BS1008";

    /// <summary>Something the user should know that does not fail the build (no timestamp server, ambiguous encoding).</summary>
    public const string SigningWarning = "BS1101";
}
