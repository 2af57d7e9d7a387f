using PodUnits.Cli;
using PodUnits.Cli.Commands;

// A thin main (Quadlet's lesson): the binary is the CLI, and under the name
// "podunits-generator" (the link in system-generators/) it is the systemd generator.
PlainConsole.Install();
if (Path.GetFileName(Environment.GetCommandLineArgs()[0]) == "podunits-generator")
{
    return GenerateCommand.RunAsGenerator(args);
}
return await CliApp.RunAsync(args);
