using BuildSign.Core;
using BuildSign.Core.Formats;
using BuildSign.Core.Timestamping;

namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>The action's inputs, read and checked: everything a run needs except the secrets.</summary>
internal sealed record ActionSettings
{
    /// <summary>The largest selection allowed unless <c>max-files</c> says otherwise.</summary>
    public const int DefaultMaxFiles = 10000;

    public required string Key { get; init; }
    public string? Certificate { get; init; }
    public IReadOnlyList<string> Files { get; init; } = [];
    public bool Recursive { get; init; }
    public IReadOnlyList<Uri> TimestampUrls { get; init; } = [];
    public int TimestampConcurrency { get; init; }
    public DigestAlgorithm Digest { get; init; }
    public ExistingSignatureAction OnExistingSignature { get; init; }
    public bool OnExistingSignatureGiven { get; init; }
    public string? Description { get; init; }
    public string? DescriptionUrl { get; init; }
    public bool DryRun { get; init; }
    public string? OidcAudience { get; init; }
    public bool SignReleaseAssets { get; init; }
    public int MaxFiles { get; init; }

    /// <summary>Reads every non-secret input; problems are recorded in <paramref name="inputs"/>.</summary>
    public static ActionSettings Read(ActionInputs inputs)
    {
        var timestampUrls = new List<Uri>();
        foreach (var line in inputs.Lines("timestamp-url"))
        {
            if (inputs.Url("timestamp-url", line) is { } url)
            {
                timestampUrls.Add(url);
            }
        }
        var onExisting = inputs.Choice("on-existing-signature", "replace", "replace", "append", "fail", "skip");
        var descriptionUrl = inputs.Text("description-url");
        if (descriptionUrl is not null)
        {
            inputs.Url("description-url", descriptionUrl);
        }
        var oidcAudience = inputs.Text("oidc-audience");
        var settings = new ActionSettings
        {
            Key = inputs.Required("key"),
            Certificate = inputs.Text("certificate"),
            Files = inputs.Lines("files"),
            Recursive = inputs.Boolean("recursive", false),
            TimestampUrls = timestampUrls,
            TimestampConcurrency = inputs.Integer("timestamp-concurrency", TimestampOptions.DefaultMaxConcurrentRequests, 1, 64),
            Digest = DigestAlgorithms.Parse(inputs.Choice("digest", "sha256", "sha256", "sha384", "sha512")),
            OnExistingSignature = Enum.Parse<ExistingSignatureAction>(onExisting, ignoreCase: true),
            OnExistingSignatureGiven = inputs.Text("on-existing-signature") is not null,
            Description = inputs.Text("description"),
            DescriptionUrl = descriptionUrl,
            DryRun = inputs.Boolean("dry-run", false),
            OidcAudience = oidcAudience,
            SignReleaseAssets = inputs.Boolean("sign-release-assets", false),
            MaxFiles = inputs.Integer("max-files", DefaultMaxFiles, 1, 1_000_000),
        };
        if (settings.Files.Count == 0 && !settings.SignReleaseAssets)
        {
            inputs.Problem("files", "names no files; give one path or glob per line (or sign-release-assets: true)");
        }
        if (settings.Files.Any(f => f.StartsWith('!')) && settings.Files.All(f => f.StartsWith('!')))
        {
            inputs.Problem("files", "has only exclusions (!pattern); add the paths or globs to sign");
        }
        return settings;
    }
}
