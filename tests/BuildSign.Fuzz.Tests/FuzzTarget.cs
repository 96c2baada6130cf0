namespace BuildSign.Fuzz.Tests;

/// <summary>
/// One parser under fuzzing: its real seed files, and how one input is fed to it. The property is
/// the same for all: an input is either accepted or refused with BuildSign's own clear error
/// (<see cref="BuildSign.Core.SigningException"/>, or a verification result that says why); any other
/// exception, or a hang, is a finding.
/// </summary>
/// <param name="Name">The target's name; findings are kept under Findings/NAME/.</param>
/// <param name="FileName">The name the input is written under (formats go by extension).</param>
/// <param name="Seeds">The real files mutants are made from.</param>
/// <param name="Run">Feeds one input, written at the given path, to the parser.</param>
internal sealed record FuzzTarget(string Name, string FileName, IReadOnlyList<byte[]> Seeds, Func<string, byte[], Task> Run)
{
    public override string ToString() => Name;
}
