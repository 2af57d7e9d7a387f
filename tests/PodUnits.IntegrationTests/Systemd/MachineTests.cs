using PodUnits.Systemd;
using PodUnits.Systemd.Machines;
using PodUnits.Systemd.Naming;
using PodUnits.Systemd.Units;

namespace PodUnits.IntegrationTests.Systemd;

/// <summary>machined (D-Bus activated in the sandbox) through MachineManager.</summary>
public sealed class MachineTests
{
    [Fact]
    public async Task RegisteredScopeIsAMachineUntilTerminated()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        var child = test.Sleeper();
        string unit = test.UnitName("machine");
        string name = test.MachineName("reg");
        MachineId id = MachineId.NewRandom();
        // machined takes the leader's unit as the machine's: the scope must exist first (docs/platform-facts.md).
        await test.Systemd.StartTransientScopeAsync(unit, [(uint)child.Id], new TransientUnitProperties(), TransientScopeTests.Timeout());

        string path = await test.Machines.RegisterMachineAsync(name, id, "podunits", "container", (uint)child.Id, "/");
        Assert.StartsWith("/org/freedesktop/machine1/machine/", path, StringComparison.Ordinal);

        MachineInfo machine = (await test.Machines.GetMachineAsync(name))!;
        Assert.Equal(name, machine.Name);
        Assert.Equal(id, machine.Id);
        Assert.Equal("container", machine.Class);
        Assert.Equal("podunits", machine.Service);
        Assert.Equal(unit, machine.Unit);
        Assert.Equal((uint)child.Id, machine.Leader);
        Assert.Equal("/", machine.RootDirectory);
        Assert.Equal("running", machine.State);
        Assert.NotNull(machine.Timestamp);

        Assert.Contains(await test.Machines.ListMachinesAsync(), m => m.Name == name && m.Service == "podunits");
        Assert.Equal(name, (await test.Machines.GetMachineByPidAsync((uint)child.Id))?.Name);

        string list = TestUnits.Run("/bin/machinectl", "list", "--no-pager");
        Assert.Contains(name, list, StringComparison.Ordinal);
        string status = TestUnits.Run("/bin/machinectl", "status", name, "--no-pager");
        Assert.Contains(unit, status, StringComparison.Ordinal);
        Assert.Contains("sleep 300", status, StringComparison.Ordinal);

        await test.Machines.TerminateMachineAsync(name);

        Assert.True(child.WaitForExit(10_000), "terminating the machine stops its scope and kills the leader");
        Assert.True(await TestUnits.EventuallyAsync(async () => await test.Systemd.GetUnitStatusAsync(unit) is null),
            "the scope goes away");
        Assert.True(await TestUnits.EventuallyAsync(async () => await test.Machines.GetMachineAsync(name) is null),
            "machined forgets the machine");
    }

    [Fact]
    public async Task CreateMachineMakesItsOwnScopeWithLimitsAndKillMachineEndsIt()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        var child = test.Sleeper();
        string name = test.MachineName("create");
        test.UnitName("unused"); // keeps the tag; machined names the scope itself
        await test.Machines.CreateMachineAsync(name, MachineId.NewRandom(), "podunits", "container", (uint)child.Id, "/",
            new TransientUnitProperties { MemoryMax = 96 * 1024 * 1024, Description = "podunits test machine" });

        MachineInfo machine = (await test.Machines.GetMachineAsync(name))!;
        // machined names the scope "machine-" + the escaped machine name, as systemd-escape would.
        Assert.Equal(UnitNames.Build("machine", name, "scope"), machine.Unit);
        UnitStatus scope = (await test.Systemd.GetUnitStatusAsync(machine.Unit))!;
        Assert.Equal("active", scope.ActiveState);
        Assert.Equal(96UL * 1024 * 1024, scope.MemoryMax);

        await test.Machines.KillMachineAsync(name, MachineKillWho.All, signal: 9);

        Assert.True(child.WaitForExit(10_000), "KillMachine all SIGKILL ends the process");
        Assert.True(await TestUnits.EventuallyAsync(async () => await test.Machines.GetMachineAsync(name) is null),
            "a machine whose processes are gone is removed");
    }

    [Fact]
    public async Task CreateMachineOverALeftoverScopeSaysTheScopeExistsNotThatMachinedDidNotStart()
    {
        // machined passes systemd's error for the scope it makes on unchanged; it used to be
        // read as machined's activation failing, with advice to unmask it (systemd review of
        // 2026-12-06, finding 3).
        await using TestUnits test = await TestUnits.StartAsync();
        string name = test.MachineName("leftover");
        string scope = UnitNames.Build("machine", name, "scope");
        await test.Systemd.StartTransientScopeAsync(scope, [(uint)test.Sleeper().Id], new TransientUnitProperties(), TransientScopeTests.Timeout());

        var e = await Assert.ThrowsAsync<SystemdCallException>(() => test.Machines.CreateMachineAsync(name, MachineId.NewRandom(),
            "podunits", "container", (uint)test.Sleeper().Id, "/", new TransientUnitProperties()));
        Assert.Equal(DBusErrors.UnitExists, e.DBusErrorName);
        Assert.StartsWith($"machine \"{name}\": ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be started", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadMachineCallsSayWhichMachineAndWhy()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        var child = test.Sleeper();
        await test.Systemd.StartTransientScopeAsync(test.UnitName("badmachine"), [(uint)child.Id], new TransientUnitProperties(),
            TransientScopeTests.Timeout());

        var invalid = await Assert.ThrowsAsync<SystemdCallException>(() =>
            test.Machines.RegisterMachineAsync("bad name", MachineId.NewRandom(), "podunits", "container", (uint)child.Id, "/"));
        Assert.Equal(DBusErrors.InvalidArgs, invalid.DBusErrorName);
        Assert.StartsWith("machine \"bad name\": ", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("machine name", invalid.Message, StringComparison.OrdinalIgnoreCase);

        string missing = test.MachineName("missing");
        Assert.Null(await test.Machines.GetMachineAsync(missing));
        var terminate = await Assert.ThrowsAsync<SystemdCallException>(() => test.Machines.TerminateMachineAsync(missing));
        Assert.Equal(DBusErrors.NoSuchMachine, terminate.DBusErrorName);
        Assert.Contains($"machine \"{missing}\": no such machine", terminate.Message, StringComparison.Ordinal);
    }
}
