using Tmds.DBus.Protocol;

namespace PodUnits.Systemd.Bus;

/// <summary>
/// Writes part of a message body. MessageWriter is a ref struct that tracks its position:
/// it must be passed by reference, or writes into a copy are lost and the message is
/// malformed (dbus-daemon then drops the connection).
/// </summary>
public delegate void MessageBodyWriter(ref MessageWriter writer);
