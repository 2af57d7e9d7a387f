using PodUnits.Cli;

// A thin main (Quadlet's lesson): the binary is the CLI, and under the name
// "podunits-generator" it is the systemd generator (see Commands/GenerateCommand.cs).
return await CliApp.RunAsync(args);
