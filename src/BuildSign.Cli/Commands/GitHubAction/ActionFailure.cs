namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>
/// A reason the action cannot go on (missing permission, unreachable token endpoint): shown as one
/// error annotation with <see cref="Title"/>, and the step fails. The message never holds a secret.
/// </summary>
internal sealed class ActionFailure : Exception
{
    public ActionFailure(string title, string message, Exception? innerException = null) : base(message, innerException)
    {
        Title = title;
    }

    /// <summary>The annotation's title (the input or the part that failed).</summary>
    public string Title { get; }
}
