using System.Security.Cryptography;
using System.Text;

namespace BuildSign.Cli.Commands.GitHubAction;

/// <summary>
/// Writes step outputs to the file named by <c>GITHUB_OUTPUT</c> in the multi-line form
/// <c>name&lt;&lt;DELIMITER</c>, value lines, <c>DELIMITER</c>. The delimiter is random per value and
/// checked against it, so no value (a file name, say) can end its own block and set another output.
/// </summary>
internal sealed class ActionOutputs(string? outputFile)
{
    /// <summary>True when the runner gave an output file.</summary>
    public bool Enabled => !string.IsNullOrEmpty(outputFile);

    /// <summary>Appends one output.</summary>
    public void Set(string name, string value)
    {
        if (!Enabled)
        {
            return;
        }
        string delimiter;
        do
        {
            delimiter = "buildsign_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        }
        while (value.Contains(delimiter, StringComparison.Ordinal));
        var block = new StringBuilder()
            .Append(name).Append("<<").Append(delimiter).Append('\n')
            .Append(value).Append('\n')
            .Append(delimiter).Append('\n');
        File.AppendAllText(outputFile!, block.ToString(), new UTF8Encoding(false));
    }
}
