namespace Custodian.Silo.Storage;

/// <summary>Log messages of the secure storage: grain ids and state names only.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(2001, LogLevel.Error, "Stored state {StateName} of grain {GrainId} failed its integrity check and was refused")]
    public static partial void IntegrityFailure(ILogger logger, string grainId, string stateName);

    [LoggerMessage(2002, LogLevel.Warning, "Stored state {StateName} of grain {GrainId} has no data key: it was erased and reads as empty")]
    public static partial void StateErased(ILogger logger, string grainId, string stateName);

    [LoggerMessage(2003, LogLevel.Information, "State {StateName} of grain {GrainId} crypto-shredded: data key destroyed, tombstone written, receipt {ReceiptId}")]
    public static partial void StateShredded(ILogger logger, string grainId, string stateName, string receiptId);

    [LoggerMessage(2004, LogLevel.Error, "Stored state {StateName} of grain {GrainId}: {Finding}")]
    public static partial void IntegrityFinding(ILogger logger, string grainId, string stateName, string finding);


    [LoggerMessage(2006, LogLevel.Warning, "State {StateName} of grain {GrainId} has a new data key but no state, and the pair cannot be asked: read as a first write that stopped")]
    public static partial void FirstWriteUnverified(ILogger logger, string grainId, string stateName);

    [LoggerMessage(2007, LogLevel.Warning, "The version record of state {StateName} of grain {GrainId} could not be written (status {Status}); it lags until the next write")]
    public static partial void VersionRecordLagging(ILogger logger, string grainId, string stateName, int status);
}
