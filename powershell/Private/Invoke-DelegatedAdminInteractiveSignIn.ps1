function Invoke-DelegatedAdminInteractiveSignIn {
    <#
    .SYNOPSIS
    Signs an admin in with the browser (authorization code with PKCE and a loopback redirect): start, open the
    browser, poll until it ends; Ctrl+C cancels.

    .DESCRIPTION
    1. da_start_interactive_sign_in: the library makes the PKCE verifier and state, starts listening on
       http://localhost:<port>/ (127.0.0.1) and returns the authorize URL.
    2. The URL is printed (Write-Host: it must reach the person at the console) and opened with the default
       browser (Start-Process); where no browser can be started, a warning says to open the URL on this computer.
    3. da_poll_interactive_sign_in with waitSeconds 1, until completed (the token, with its refresh token),
       declined (the admin declined or the identity platform refused: an AuthenticationError naming the reason),
       expired (no sign-in within five minutes) or failed (the code could not be redeemed).
    4. finally: when the sign-in has not ended (Ctrl+C stopped the command, or polling failed),
       da_cancel_interactive_sign_in closes the listener. Plain .NET calls, which run while the pipeline stops.
    The poll's result holds tokens: it is read once and returned to Connect-DelegatedAdmin, which keeps them as
    SecureStrings.

    .PARAMETER Connection
    The connection being made (cloud, authority, proxy).

    .PARAMETER ClientId
    The application (client) id; the app registration needs the redirect URI http://localhost.

    .PARAMETER TenantId
    The tenant (or organizations).

    .PARAMETER Scope
    The scopes asked for (offline_access is added by the library).

    .PARAMETER LoginHint
    The user name to propose on the sign-in page.

    .OUTPUTS
    PSCustomObject: the token {accessToken, tokenType, expiresOn, expiresIn, scope, refreshToken}.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'The sign-in URL must reach the person at the console, whatever the output streams do.')]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Connection,

        [Parameter(Mandatory = $true)]
        [string] $ClientId,

        [Parameter(Mandatory = $true)]
        [string] $TenantId,

        [Parameter(Mandatory = $true)]
        [string] $Scope,

        [Parameter()]
        [string] $LoginHint
    )

    $startRequest = [ordered]@{
        clientId = $ClientId
        tenantId = $TenantId
        scope    = $Scope
    }
    if (-not [string]::IsNullOrEmpty($LoginHint)) {
        $startRequest['loginHint'] = $LoginHint
    }
    $start = Invoke-DelegatedAdminNative -Operation 'da_start_interactive_sign_in' -Request $startRequest -Connection $Connection -TargetObject $ClientId
    $sessionId = [string](Get-DelegatedAdminProperty -InputObject $start -Name 'sessionId')
    $authorizeUrl = [string](Get-DelegatedAdminProperty -InputObject $start -Name 'authorizeUrl')
    $redirectUri = [string](Get-DelegatedAdminProperty -InputObject $start -Name 'redirectUri')
    $sessionJson = ConvertTo-Json -InputObject ([ordered]@{ sessionId = $sessionId }) -Compress
    $pollJson = ConvertTo-Json -InputObject ([ordered]@{ sessionId = $sessionId; waitSeconds = 1 }) -Compress

    $ended = $false
    try {
        Write-Host ('To sign in, open this page in a browser on this computer (the browser returns to {0}):' -f $redirectUri)
        Write-Host $authorizeUrl
        try {
            Start-Process -FilePath $authorizeUrl -ErrorAction Stop
        }
        catch {
            Write-Warning ('No browser could be opened here ({0}): open the page above yourself, on this computer.' -f $_.Exception.Message)
        }

        while ($true) {
            $pollText = $script:DelegatedAdminNative::PollInteractiveSignIn($pollJson)
            $poll = ConvertFrom-DelegatedAdminEnvelope -Json $pollText -Operation 'da_poll_interactive_sign_in' -TargetObject $ClientId
            $pollText = $null
            $status = [string](Get-DelegatedAdminProperty -InputObject $poll -Name 'status')
            switch ($status) {
                'pending' {
                    continue
                }
                'completed' {
                    $ended = $true
                    return (Get-DelegatedAdminProperty -InputObject $poll -Name 'token')
                }
                'declined' {
                    $ended = $true
                    $reason = [string](Get-DelegatedAdminProperty -InputObject $poll -Name 'reason')
                    throw (ConvertTo-DelegatedAdminErrorRecord -Message ('The sign-in was declined: {0}' -f $reason) -ErrorId 'DelegatedAdmin.InteractiveSignInDeclined' -Category AuthenticationError -TargetObject $ClientId)
                }
                'expired' {
                    $ended = $true
                    throw (ConvertTo-DelegatedAdminErrorRecord -Message 'Nobody signed in before the sign-in page expired. Run Connect-DelegatedAdmin -Interactive again.' -ErrorId 'DelegatedAdmin.InteractiveSignInExpired' -Category OperationTimeout -TargetObject $ClientId)
                }
                'failed' {
                    $ended = $true
                    $nativeError = Get-DelegatedAdminProperty -InputObject $poll -Name 'error'
                    if ($null -ne $nativeError) {
                        throw (ConvertTo-DelegatedAdminErrorRecord -NativeError $nativeError -Operation 'da_poll_interactive_sign_in' -TargetObject $ClientId)
                    }
                    throw (ConvertTo-DelegatedAdminErrorRecord -Message 'The sign-in failed.' -ErrorId 'DelegatedAdmin.InteractiveSignInFailed' -Category AuthenticationError -TargetObject $ClientId)
                }
                default {
                    throw (ConvertTo-DelegatedAdminErrorRecord -Message ("da_poll_interactive_sign_in returned the unknown status '{0}'." -f $status) -ErrorId 'DelegatedAdmin.InteractiveSignInUnknownStatus' -Category InvalidResult -TargetObject $ClientId)
                }
            }
        }
    }
    finally {
        if (-not $ended) {
            # Stopped (Ctrl+C) or failed before the end: close the listener. A plain .NET call: it runs while the
            # pipeline stops.
            try {
                $null = $script:DelegatedAdminNative::CancelInteractiveSignIn($sessionJson)
            }
            catch {
                $null = $null
            }
            try {
                Write-Verbose 'The interactive sign-in stopped before it ended; its listener is closed and the previous connection, if any, is unchanged.'
            }
            catch {
                $null = $null
            }
        }
    }
}
