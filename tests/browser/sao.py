# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Drive the sao web client with Selenium and headless Chromium.

    driver = new_driver()
    client = Sao(driver, server.url, 'e2e')
    client.login('gm', PASSWORD)
    client.open_menu('Regulations', 'My Approvals to Do')
    client.wait_for_text('My Approvals to Do')
    client.open_record('some text in the row')   # double-click a row
    client.click_button('approve')               # by the button's name
    client.screenshot('name')                    # into var/screenshots/

The helpers find things by the text a person reads, so a change of the
English strings of a module breaks the tests that use them: keep the demo
users in English for the tests (demo_data.py --language en).
"""
import functools
import os
import re
import shutil
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
SCREENSHOTS = os.path.join(ROOT, 'var', 'screenshots')
CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome']
CHROMEDRIVER_CANDIDATES = ['/usr/bin/chromedriver',
    '/usr/lib/chromium/chromedriver']
#: seconds to wait for the client by default
TIMEOUT = 15


class BrowserUnavailable(Exception):
    "Selenium, Chromium or chromedriver is missing"


def _first(paths, env):
    if os.environ.get(env):
        return os.environ[env] if os.path.exists(os.environ[env]) else None
    for path in paths:
        if os.path.exists(path):
            return path
    return None


def browser_paths():
    """Return (chromium, chromedriver) or raise BrowserUnavailable with what
    is missing and how to install it."""
    missing = []
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium Python package (pip install -e "
            "'.[test]')")
    chromium = _first(CHROMIUM_CANDIDATES, 'ZHIDU_CHROMIUM')
    if not chromium:
        missing.append("chromium (apt-get install chromium)")
    chromedriver = _first(CHROMEDRIVER_CANDIDATES, 'ZHIDU_CHROMEDRIVER')
    if not chromedriver:
        missing.append("chromedriver (apt-get install chromium-driver)")
    if missing:
        raise BrowserUnavailable("missing " + ", ".join(missing)
            + "; scripts/install.sh --system-deps installs them")
    return chromium, chromedriver


def new_driver(width=1400, height=900):
    """Start headless Chromium with a fresh profile and return the driver.
    driver.quit() also removes the profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = browser_paths()
    profile = tempfile.mkdtemp(prefix='zhidu-chromium-')
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in [
            '--headless=new', '--no-sandbox', '--disable-gpu',
            '--disable-dev-shm-usage', '--disable-background-networking',
            '--disable-component-update', '--disable-sync',
            '--no-first-run', '--no-default-browser-check',
            '--disable-extensions', '--disable-breakpad',
            '--disable-crash-reporter', '--lang=en-US',
            '--window-size=%d,%d' % (width, height),
            '--user-data-dir=%s' % profile]:
        options.add_argument(argument)
    options.add_experimental_option('prefs', {
            'intl.accept_languages': 'en-US,en'})
    # keep the JavaScript console for the failure reports
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    service = Service(executable_path=chromedriver,
        log_output=os.path.join(profile, 'chromedriver.log'))
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except Exception:
        shutil.rmtree(profile, ignore_errors=True)
        raise
    driver.set_page_load_timeout(60)
    quit_ = driver.quit

    def quit():
        try:
            quit_()
        finally:
            shutil.rmtree(profile, ignore_errors=True)
    driver.quit = quit
    return driver


def _xpath_literal(text):
    if "'" not in text:
        return "'%s'" % text
    if '"' not in text:
        return '"%s"' % text
    return "concat('%s')" % text.replace("'", "', \"'\", '")


def _normalized_equals(text):
    "XPath test of the node's text equal to text, ignoring (nb)spaces"
    return "normalize-space(translate(., '\u00a0', ' '))=%s" % (
        _xpath_literal(text))


class Sao:
    "A person using the sao web client at url on database"

    def __init__(self, driver, url, database, timeout=TIMEOUT):
        self.driver = driver
        self.url = url
        self.database = database
        self.timeout = timeout

    # Waiting

    def wait(self, condition, timeout=None, message=''):
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(self.driver, timeout or self.timeout,
            poll_frequency=0.2).until(condition, message)

    def visible(self, css, timeout=None):
        "Wait for and return the first visible element matching css"
        def find(driver):
            for element in driver.find_elements('css selector', css):
                try:
                    if element.is_displayed():
                        return element
                except Exception:
                    continue
            return False
        return self.wait(find, timeout, "no visible %r" % css)

    def wait_idle(self, timeout=None):
        "Wait until sao shows no 'processing' indicator"
        def idle(driver):
            return not any(e.is_displayed() for e in driver.find_elements(
                        'css selector', '#processing'))
        try:
            self.wait(idle, timeout or self.timeout)
        except Exception:
            pass

    def wait_for_text(self, text, css='body', timeout=None):
        """Wait until text (a string or a compiled regular expression) is
        shown inside the first visible element matching css"""
        def shown(driver):
            for element in driver.find_elements('css selector', css):
                try:
                    if not element.is_displayed():
                        continue
                    content = element.text
                except Exception:
                    continue
                if (text.search(content) if isinstance(text, re.Pattern)
                        else text in content):
                    return element
            return False
        return self.wait(shown, timeout,
            "text %r not shown in %r" % (getattr(text, 'pattern', text), css))

    # Session

    def login(self, login, password, timeout=None):
        """Log in through the login dialog (database, user name) and the
        password dialog, then wait for the main menu."""
        from selenium.webdriver.common.keys import Keys

        self.driver.get(self.url)
        login_input = self.visible('.login-dialog input#login', timeout)
        database = self.driver.find_elements(
            'css selector', '.login-dialog input#database')
        for element in database:
            if element.is_displayed() and not element.get_attribute(
                    'readonly'):
                self._type(element, self.database, timeout)
        self._type(login_input, login, timeout)
        login_input.send_keys(Keys.ENTER)
        entry = self.visible('.ask-dialog input#ask-dialog-entry', timeout)
        entry.send_keys(password)
        entry.send_keys(Keys.ENTER)
        self.wait_for_main_menu(timeout)

    def _type(self, element, text, timeout=None):
        """Type text into element until it holds exactly text (the login
        dialog fills its fields while it starts, mixing with the keys)"""
        def typed(driver):
            if element.get_attribute('value') == text:
                return True
            element.clear()
            element.send_keys(text)
            return element.get_attribute('value') == text
        self.wait(typed, timeout, "cannot type %r" % text)

    def wait_for_main_menu(self, timeout=None):
        "Wait for the menu tree to show its entries"
        self.visible('#menu table tbody tr', timeout or self.timeout * 2)
        self.wait_idle(timeout)

    def logout(self):
        self.driver.execute_script(
            "localStorage.clear(); sessionStorage.clear();")
        self.driver.delete_all_cookies()

    # Menu and tabs

    def _menu_row(self, text, timeout=None):
        xpath = ("//div[@id='menu']//tbody/tr[.//div[contains(@class, "
            "'column-char')][@title=%s or %s]]" % (
                _xpath_literal(text), _normalized_equals(text)))

        def find(driver):
            for row in driver.find_elements('xpath', xpath):
                if row.is_displayed():
                    return row
            return False
        return self.wait(find, timeout, "no menu entry %r" % text)

    def _menu_row_now(self, text):
        try:
            return self._menu_row(text, timeout=0.5)
        except Exception:
            return None

    def open_menu(self, *path, timeout=None):
        """Open the menu entry at path, e.g. open_menu('Regulations',
        'My Approvals to Do'): expand each parent unless its child is
        already shown, then activate the last entry (a single click opens
        a menu entry in sao)."""
        for i, name in enumerate(path):
            row = self._menu_row(name, timeout)
            if i < len(path) - 1:
                if not self._menu_row_now(path[i + 1]):
                    expanders = row.find_elements(
                        'css selector', 'span.expander')
                    (expanders[0] if expanders else row).click()
                    self._menu_row(path[i + 1], timeout)
            else:
                labels = row.find_elements(
                    'css selector', 'div.column-char')
                (labels[0] if labels else row).click()
        self.wait_idle(timeout)

    def current_tab(self, title, timeout=None):
        """Wait for the tab titled title (a prefix: sao appends the
        record count) to be the active one and return its content"""
        xpath = ("//ul[@id='tablist']/li[contains(@class, 'active')]"
            "//*[contains(normalize-space(.), %s)]" % _xpath_literal(title))
        self.wait(lambda d: d.find_elements('xpath', xpath), timeout,
            "tab %r is not the active one" % title)
        return self.visible('#tabcontent > .tab-pane.active', timeout)

    def list_rows(self, timeout=None):
        "Return the texts of the rows of the list in the active tab"
        from selenium.common.exceptions import StaleElementReferenceException

        def read(driver):
            # the list may be drawn again while it is read: read it anew
            try:
                pane = self.visible('#tabcontent > .tab-pane.active', timeout)
                self.wait_idle(timeout)
                rows = pane.find_elements(
                    'css selector', 'table.tree tbody tr, .treeview tbody tr')
                return [[r.text for r in rows
                        if r.is_displayed() and r.text.strip()]]
            except StaleElementReferenceException:
                return False
        return self.wait(read, timeout, "the list keeps changing")[0]

    def list_headers(self, timeout=None):
        "Return the column titles of the list in the active tab"
        pane = self.visible('#tabcontent > .tab-pane.active', timeout)
        headers = pane.find_elements('css selector', 'thead th')
        return [h.text.strip() for h in headers if h.text.strip()]

    def open_record(self, text, timeout=None):
        "Open (double-click) the row of the active list showing text"
        from selenium.webdriver.common.action_chains import ActionChains
        xpath = ("//div[@id='tabcontent']/div[contains(@class, 'active')]"
            "//tbody/tr[.//td[contains(normalize-space(.), %s)]]"
            % _xpath_literal(text))

        def find(driver):
            for row in driver.find_elements('xpath', xpath):
                if row.is_displayed():
                    return row
            return False
        row = self.wait(find, timeout, "no row showing %r" % text)
        # the last cell that shows (hidden button columns have no size)
        cell = [c for c in row.find_elements('css selector', 'td')
            if c.is_displayed() and c.size['width']][-1]
        ActionChains(self.driver).double_click(cell).perform()
        self.wait_idle(timeout)

    def click_button(self, name, timeout=None):
        """Click the visible button whose name (the button name of the view,
        e.g. 'approve') or text is name, in the active tab or dialog"""
        def find(driver):
            scopes = [e for e in driver.find_elements(
                    'css selector', '.modal.in, .modal.show')
                if e.is_displayed()]
            scopes += driver.find_elements(
                'css selector', '#tabcontent > .tab-pane.active')
            for scope in scopes:
                for button in scope.find_elements('css selector', 'button'):
                    try:
                        if not button.is_displayed():
                            continue
                        if (button.get_attribute('name') == name
                                or button.text.strip() == name):
                            if button.is_enabled():
                                return button
                    except Exception:
                        continue
            return False
        button = self.wait(find, timeout, "no enabled button %r" % name)
        button.click()
        self.wait_idle(timeout)
        return button

    def fill(self, field, value, timeout=None):
        "Type value into the widget of field name in the active tab/dialog"
        element = self.visible(
            '.modal.in [name="%s"] , #tabcontent > .tab-pane.active '
            '[name="%s"]' % (field, field), timeout)
        # a new record's fields stay read-only until its defaults arrive
        self.wait(lambda d: element.is_enabled()
            and not element.get_attribute('readonly'), timeout,
            "field %r stays read-only" % field)
        element.clear()
        element.send_keys(value)
        return element

    def fill_many2one(self, field, text, choice=None, timeout=None):
        """Type text into the Many2One field and pick the completion
        showing choice (text by default)"""
        self.fill(field, text, timeout)
        choice = choice or text

        def item(driver):
            for element in driver.find_elements(
                    'css selector', '.dropdown-menu li a, .dropdown-menu li'):
                try:
                    if element.is_displayed() and choice in element.text:
                        return element
                except Exception:
                    continue
            return False
        self.wait(item, timeout, "no completion %r" % choice).click()
        self.wait_idle(timeout)

    def fill_datetime(self, field, value, timeout=None):
        """Set the DateTime field to value through its calendar input, as
        picking it does (whatever the user's date format)"""
        element = self.visible(
            '#tabcontent > .tab-pane.active [name="%s"]' % field, timeout)
        self.driver.execute_script(
            "jQuery(arguments[0]).closest('.form-datetime')"
            ".find('input[type=datetime-local]')"
            ".val(arguments[1]).change();",
            element, value.strftime('%Y-%m-%dT%H:%M:%S'))
        self.wait_idle(timeout)

    def add_line(self, label, text, timeout=None):
        """Add a line to the editable One2Many list labelled label, typing
        text into its first cell"""
        from selenium.webdriver.common.keys import Keys
        box = self.wait(lambda d: [b for b in d.find_elements(
                    'css selector',
                    '#tabcontent > .tab-pane.active .form-one2many')
                if b.is_displayed() and b.find_element('css selector',
                    '.form-one2many-string').text.strip() == label],
            timeout, "no list %r" % label)[0]
        box.find_element('css selector', 'button[title="New"]').click()
        self.wait_idle(timeout)

        def typed(driver):
            # the editable row may be drawn again while it starts: type
            # until the text stays in the cell
            cells = [e for e in box.find_elements(
                    'css selector', 'tbody tr.selected input.form-control')
                if e.is_displayed()]
            if not cells:
                return False
            if cells[0].get_attribute('value') != text:
                cells[0].clear()
                cells[0].send_keys(text)
                return False
            return cells[0]
        cell = self.wait(typed, timeout, "cannot type in %r" % label)
        cell.send_keys(Keys.TAB)
        self.wait_idle(timeout)

    def new_record(self, timeout=None):
        "Click New in the toolbar of the active tab"
        self.visible(
            '#tabcontent > .tab-pane.active button#new_', timeout).click()
        self.wait_idle(timeout)

    def save(self, timeout=None):
        "Click Save in the toolbar of the active tab"
        self.visible(
            '#tabcontent > .tab-pane.active button#save', timeout).click()
        self.wait_idle(timeout)

    def messages(self):
        "Return the texts of the visible dialogs (errors, warnings)"
        return [e.text for e in self.driver.find_elements(
                'css selector', '.modal.in .modal-body, .modal.show '
                '.modal-body') if e.is_displayed()]

    def js_errors(self):
        "Return the JavaScript errors logged since the last call"
        try:
            entries = self.driver.get_log('browser')
        except Exception:
            return []
        return [e['message'] for e in entries
            if e.get('level') == 'SEVERE' and e.get('source') == 'javascript']

    def screenshot(self, name):
        "Save a screenshot into var/screenshots/ and return its path"
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, '%s-%s.png' % (
                re.sub(r'[^\w.-]+', '_', name),
                time.strftime('%Y%m%d-%H%M%S')))
        self.driver.save_screenshot(path)
        return path


def screenshot_on_failure(method):
    """Decorate a test method of a case with a ``sao`` attribute: on any
    failure save a screenshot and name it in the failure message."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as exception:
            client = getattr(self, 'sao', None)
            if client is None:
                raise
            try:
                path = client.screenshot(self.id().split('.')[-1])
                dialogs = client.messages()
                errors = client.js_errors()
            except Exception as error:
                path, dialogs, errors = 'not saved (%s)' % error, [], []
            note = 'screenshot: %s' % path
            if dialogs:
                note += '\ndialogs: %s' % ' | '.join(dialogs)
            if errors:
                note += '\nJavaScript errors: %s' % ' | '.join(errors)
            if isinstance(exception, AssertionError):
                raise AssertionError(
                    '%s\n%s' % (exception, note)) from exception
            if hasattr(exception, 'add_note'):
                exception.add_note(note)
            else:
                print(note)
            raise
    return wrapper
