# Example AVD deployment with insecure settings, for avdsec to find: a pooled host pool whose users are local
# administrators of its session hosts (rbac.tf), without Entra single sign-on, and no Conditional Access policy.

locals {
  rdp_properties = "audiomode:i:0;audiocapturemode:i:1;camerastoredirect:s:*;redirectclipboard:i:0;drivestoredirect:s:;usbdevicestoredirect:s:"
}

resource "azurerm_resource_group" "avd" {
  name     = var.resource_group_name
  location = var.location
}

resource "azurerm_virtual_desktop_host_pool" "finance" {
  name                     = var.host_pool_name
  location                 = azurerm_resource_group.avd.location
  resource_group_name      = azurerm_resource_group.avd.name
  type                     = "Pooled"
  load_balancer_type       = "BreadthFirst"
  maximum_sessions_allowed = 12
  preferred_app_group_type = "Desktop"
  start_vm_on_connect      = true
  validate_environment     = false
  custom_rdp_properties    = local.rdp_properties
}

resource "time_rotating" "registration" {
  rotation_hours = 8
}

resource "azurerm_virtual_desktop_host_pool_registration_info" "finance" {
  hostpool_id     = azurerm_virtual_desktop_host_pool.finance.id
  expiration_date = time_rotating.registration.rotation_rfc3339
}

resource "azurerm_virtual_desktop_application_group" "desktop" {
  name                = "${var.host_pool_name}-dag"
  location            = azurerm_resource_group.avd.location
  resource_group_name = azurerm_resource_group.avd.name
  type                = "Desktop"
  host_pool_id        = azurerm_virtual_desktop_host_pool.finance.id
}

resource "azurerm_virtual_desktop_workspace" "finance" {
  name                = "ws-finance"
  location            = azurerm_resource_group.avd.location
  resource_group_name = azurerm_resource_group.avd.name
}

resource "azurerm_virtual_desktop_workspace_application_group_association" "finance" {
  workspace_id         = azurerm_virtual_desktop_workspace.finance.id
  application_group_id = azurerm_virtual_desktop_application_group.desktop.id
}

resource "azurerm_network_interface" "session_host" {
  count = var.session_host_count

  name                = "${var.vm_name_prefix}-${count.index}-nic"
  location            = azurerm_resource_group.avd.location
  resource_group_name = azurerm_resource_group.avd.name

  ip_configuration {
    name                          = "ipconfig1"
    subnet_id                     = var.subnet_id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_windows_virtual_machine" "session_host" {
  count = var.session_host_count

  name                  = "${var.vm_name_prefix}-${count.index}"
  location              = azurerm_resource_group.avd.location
  resource_group_name   = azurerm_resource_group.avd.name
  size                  = "Standard_D4s_v5"
  license_type          = "Windows_Client"
  admin_username        = var.admin_username
  admin_password        = var.admin_password
  network_interface_ids = [azurerm_network_interface.session_host[count.index].id]
  secure_boot_enabled   = true
  vtpm_enabled          = true

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }

  source_image_reference {
    publisher = "MicrosoftWindowsDesktop"
    offer     = "office-365"
    sku       = "win11-24h2-avd-m365"
    version   = "latest"
  }

  identity {
    type = "SystemAssigned"
  }
}

# Microsoft Entra join.
resource "azurerm_virtual_machine_extension" "entra_join" {
  count = var.session_host_count

  name                       = "AADLoginForWindows"
  virtual_machine_id         = azurerm_windows_virtual_machine.session_host[count.index].id
  publisher                  = "Microsoft.Azure.ActiveDirectory"
  type                       = "AADLoginForWindows"
  type_handler_version       = "2.0"
  auto_upgrade_minor_version = true
}

# The AVD agent: registers the VM to the host pool.
resource "azurerm_virtual_machine_extension" "avd_agent" {
  count = var.session_host_count

  name                       = "Microsoft.PowerShell.DSC"
  virtual_machine_id         = azurerm_windows_virtual_machine.session_host[count.index].id
  publisher                  = "Microsoft.Powershell"
  type                       = "DSC"
  type_handler_version       = "2.83"
  auto_upgrade_minor_version = true

  settings = jsonencode({
    modulesUrl            = "https://wvdportalstorageblob.blob.core.windows.net/galleryartifacts/Configuration_1.0.02790.438.zip"
    configurationFunction = "Configuration.ps1\\AddSessionHost"
    properties = {
      hostPoolName = azurerm_virtual_desktop_host_pool.finance.name
      aadJoin      = true
      registrationInfoTokenCredential = {
        UserName = "PLACEHOLDER_DO_NOT_USE"
        Password = "PrivateSettingsRef:RegistrationInfoToken"
      }
    }
  })

  protected_settings = jsonencode({
    Items = {
      RegistrationInfoToken = azurerm_virtual_desktop_host_pool_registration_info.finance.token
    }
  })

  depends_on = [azurerm_virtual_machine_extension.entra_join]
}
