namespace BuildSign.Core.Pipeline;

/// <summary>What the plan will do with a file.</summary>
public enum PlannedAction
{
    /// <summary>Sign an unsigned file.</summary>
    Sign,
    /// <summary>Remove the existing signatures and sign anew.</summary>
    Replace,
    /// <summary>Keep the existing signatures and add a nested one.</summary>
    Append,
    /// <summary>Leave the file alone (already signed and the policy says skip).</summary>
    Skip,
    /// <summary>The file cannot be signed; <see cref="PlannedFile.Reason"/> says why.</summary>
    Refuse,
}
