namespace BuildSign.Action.Tests;

/// <summary>
/// Reads a GITHUB_OUTPUT file as the runner does: <c>name=value</c> lines, or <c>name&lt;&lt;DELIMITER</c>
/// then value lines up to a line that is exactly the delimiter. Anything else is an error.
/// </summary>
public static class ActionOutputFile
{
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }
            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                var name = line[..heredoc];
                var delimiter = line[(heredoc + 2)..];
                Assert.False(string.IsNullOrEmpty(delimiter), $"output {name} has no delimiter");
                var value = new List<string>();
                i++;
                while (i < lines.Length && lines[i] != delimiter)
                {
                    value.Add(lines[i]);
                    i++;
                }
                Assert.True(i < lines.Length, $"output {name}: the delimiter {delimiter} never closes the value");
                Assert.False(outputs.ContainsKey(name), $"output {name} is written twice");
                outputs[name] = string.Join('\n', value);
            }
            else
            {
                Assert.True(equals > 0, $"not an output line: {line}");
                outputs[line[..equals]] = line[(equals + 1)..];
            }
        }
        return outputs;
    }
}
