namespace BuildSign.Core.Formats;

/// <summary>What to do with a file that is already signed.</summary>
public enum ExistingSignatureAction
{
    /// <summary>Remove the existing signatures and sign anew (the default).</summary>
    Replace,
    /// <summary>Keep the existing signatures and add a nested one, where the format allows.</summary>
    Append,
    /// <summary>Refuse the file with an error.</summary>
    Fail,
    /// <summary>Leave the file as it is (used for third-party files inside containers).</summary>
    Skip,
}
