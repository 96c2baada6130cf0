using System.CommandLine;

namespace BuildSign.Cli.Commands;

/// <summary><c>buildsign tsa</c>: the development timestamp authority.</summary>
internal static class TsaCommand
{
    public static Command Create()
    {
        var command = new Command("tsa", "A development RFC 3161 timestamp authority (not for production signing).");
        command.Subcommands.Add(TsaServeCommand.Create());
        return command;
    }
}
