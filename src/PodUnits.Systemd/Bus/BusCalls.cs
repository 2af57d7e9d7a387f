using Tmds.DBus.Protocol;

namespace PodUnits.Systemd.Bus;

/// <summary>
/// The call plumbing every proxy shares: send, translate a D-Bus error reply into a
/// <see cref="SystemdCallException"/> about a named unit or machine, and read properties.
/// </summary>
internal static class BusCalls
{
    public const string PropertiesInterface = "org.freedesktop.DBus.Properties";

    public static async Task<T> CallAsync<T>(DBusConnection connection, MessageBuffer message, MessageValueReader<T> reader,
        string subject)
    {
        try
        {
            return await connection.CallMethodAsync(message, reader);
        }
        catch (DBusErrorReplyException e)
        {
            throw DBusErrors.ToException(subject, e);
        }
        catch (DBusConnectionException e)
        {
            throw SystemBus.Lost(subject, e);
        }
    }

    public static async Task CallAsync(DBusConnection connection, MessageBuffer message, string subject)
    {
        try
        {
            await connection.CallMethodAsync(message);
        }
        catch (DBusErrorReplyException e)
        {
            throw DBusErrors.ToException(subject, e);
        }
        catch (DBusConnectionException e)
        {
            throw SystemBus.Lost(subject, e);
        }
    }

    /// <summary>org.freedesktop.DBus.Properties.GetAll on one interface of an object.</summary>
    public static Task<Dictionary<string, VariantValue>> GetAllAsync(DBusConnection connection, string destination,
        string path, string @interface, string subject)
    {
        using MessageWriter writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: destination, path: path, @interface: PropertiesInterface,
            member: "GetAll", signature: "s");
        writer.WriteString(@interface);
        return CallAsync(connection, writer.CreateMessage(),
            static (Message m, object? _) => m.GetBodyReader().ReadDictionaryOfStringToVariantValue(), subject);
    }

    /// <summary>org.freedesktop.DBus.Properties.Get of one property.</summary>
    public static Task<VariantValue> GetAsync(DBusConnection connection, string destination, string path,
        string @interface, string property, string subject)
    {
        using MessageWriter writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: destination, path: path, @interface: PropertiesInterface,
            member: "Get", signature: "ss");
        writer.WriteString(@interface);
        writer.WriteString(property);
        return CallAsync(connection, writer.CreateMessage(),
            static (Message m, object? _) => m.GetBodyReader().ReadVariantValue(), subject);
    }

    /// <summary>A method call message; <paramref name="body"/> writes the arguments (by ref, see <see cref="MessageBodyWriter"/>).</summary>
    public static MessageBuffer CreateCall(DBusConnection connection, string destination, string path, string @interface,
        string member, string? signature, MessageBodyWriter? body)
    {
        MessageWriter writer = connection.GetMessageWriter();
        try
        {
            writer.WriteMethodCallHeader(destination: destination, path: path, @interface: @interface, member: member,
                signature: signature);
            body?.Invoke(ref writer);
            return writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }
    }

    public static string ReadObjectPath(Message message, object? state) =>
        message.GetBodyReader().ReadObjectPathAsString();
}
