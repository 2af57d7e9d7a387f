using System.CommandLine;

namespace PodUnits.Cli.Commands;

/// <summary>Every verb of the CLI, in the order --help lists them. One class per verb.</summary>
internal static class CommandTable
{
    public static IEnumerable<Command> All()
    {
        yield return ListCommand.Create();
        yield return StatusCommand.Create();
        yield return ValidateCommand.Create();
        yield return StopCommand.Create();
        yield return ReloadCommand.Create();
        yield return LogsCommand.Create();
        yield return EnterCommand.Create();
        yield return AttachCommand.Create();
        yield return UpdateCommand.Create();
        yield return AutoUpdateCommand.Create();
        yield return ImageCommand.Create();
        yield return VolumeCommand.Create();
        yield return SecretCommand.Create();
        yield return GcCommand.Create();
        yield return RefreshCommand.Create();
        yield return GenerateCommand.Create();
        yield return VersionCommand.Create();
        yield return RunCommand.Create();
        yield return ExportCommand.Create();
        yield return RmCommand.Create();
    }
}
