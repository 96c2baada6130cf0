using BuildSign.Core.Keys;
using BuildSign.Core.Pipeline;

namespace BuildSign.Core.Api;

/// <summary>
/// What a <see cref="BuildSigner"/> works with: the key providers (by scheme) and the formats.
/// A host adds its own key kinds here; nothing is process-wide.
/// </summary>
public sealed record BuildSignerServices
{
    /// <summary>The key providers; by default <c>pkcs11:</c> and <c>file:</c>.</summary>
    public SigningKeyProviders Keys { get; init; } = SigningKeyProviders.CreateDefault();

    /// <summary>The formats, most specific first.</summary>
    public FormatRegistry Formats { get; init; } = DefaultFormats.CreateRegistry();

    /// <summary>The clock for certificate validity and timestamp waits; the system clock by default.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
