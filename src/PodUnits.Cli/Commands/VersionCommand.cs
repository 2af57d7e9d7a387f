using System.CommandLine;
using System.Reflection;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits version</c>: which build this is.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", """
            Print the PodUnits version (what a bug report should name).
              podunits version
            """);
        command.SetAction(_ =>
        {
            string version = typeof(VersionCommand).Assembly
                .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            Console.WriteLine($"podunits {version}");
            return 0;
        });
        return command;
    }
}
