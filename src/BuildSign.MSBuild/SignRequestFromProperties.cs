using BuildSign.Core;
using BuildSign.Core.Api;
using BuildSign.Core.Formats;
using BuildSign.Core.Timestamping;

namespace BuildSign.MSBuild;

/// <summary>
/// Maps the task's parameters (the BuildSign* properties, as the targets pass them) onto the one
/// Core request. Only parsing happens here; every signing decision is Core's.
/// </summary>
internal static class SignRequestFromProperties
{
    /// <summary>Builds the request, or throws <see cref="InvalidPropertyException"/> naming the bad property.</summary>
    public static SignRequest Create(SignFiles task)
    {
        if (task.Key.Contains("pin-value", StringComparison.OrdinalIgnoreCase))
        {
            // The targets stop this earlier; a direct caller of the task gets the same answer.
            throw new InvalidPropertyException("BuildSignKey must not carry the PIN (pin-value); use pin-source=env:NAME or pin-source=file:PATH");
        }
        return new SignRequest
        {
            Paths = [.. task.Files.Select(f => f.GetMetadata("FullPath"))],
            Key = task.Key,
            Certificate = Blank(task.Certificate),
            TimestampUrls = [.. TimestampUrls(task.TimestampUrls)],
            TimestampConcurrency = TimestampConcurrency(task.TimestampConcurrency),
            Digest = Digest(task.Digest),
            OnExistingSignature = OnExistingSignature(task.OnExistingSignature),
            Description = Blank(task.Description),
            Url = Blank(task.Url),
        };
    }

    private static IEnumerable<Uri> TimestampUrls(IEnumerable<string> values)
    {
        foreach (var text in values.Select(v => v.Trim()).Where(v => v.Length > 0))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidPropertyException($"BuildSignTimestampUrl '{text}' is not an http or https URL");
            }
            yield return url;
        }
    }

    private static int TimestampConcurrency(string? value)
    {
        if (Blank(value) is not { } text)
        {
            return TimestampOptions.DefaultMaxConcurrentRequests;
        }
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 64)
        {
            throw new InvalidPropertyException($"BuildSignTimestampConcurrency '{text}' must be a whole number from 1 to 64");
        }
        return number;
    }

    private static DigestAlgorithm Digest(string? value)
    {
        try
        {
            return Blank(value) is { } text ? DigestAlgorithms.Parse(text) : DigestAlgorithm.Sha256;
        }
        catch (SigningException exception)
        {
            throw new InvalidPropertyException($"BuildSignDigest: {exception.Message}");
        }
    }

    private static ExistingSignatureAction OnExistingSignature(string? value)
    {
        if (Blank(value) is not { } text)
        {
            return ExistingSignatureAction.Replace;
        }
        return Enum.TryParse<ExistingSignatureAction>(text, ignoreCase: true, out var action) && Enum.IsDefined(action) && !text.Any(char.IsDigit)
            ? action
            : throw new InvalidPropertyException($"BuildSignOnExistingSignature '{text}' must be replace, append, fail or skip");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
